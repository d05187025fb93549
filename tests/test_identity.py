"""
Tests for store identity: namespaces, canonical ids, refusals and look-alikes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazada_eligibility import (
    DEFAULT_PLATFORMS,
    MAX_STORE_ID_LENGTH,
    Platform,
    PlatformKind,
    StoreIdentity,
    ValidationError,
    canonical_store_id,
)
from lazada_eligibility.identity import _SKELETONS, skeleton, store_id_problem
from strategies import store_ids

REPO = Path(__file__).parent.parent
PLAIN = "A2X9K4PLMN7Q"
# Each platform whose ids the catalog knows a rule for, and one that has none.
PLATFORMS = ("amazon.com", "amazon.de", "ebay.com", "ebay.de", "aliexpress.com", "etsy.com")
INVISIBLE = (
    "\u200b",  # ZERO WIDTH SPACE
    "\ufeff",  # BOM
    "\u00ad",  # SOFT HYPHEN
    "\u2060",  # WORD JOINER
    "\u200d",  # ZERO WIDTH JOINER
    "\u200c",  # ZERO WIDTH NON-JOINER
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\x00",  # NUL
    "\x1b",  # ESC
    "\x7f",  # DEL
    "\u0085",  # NEXT LINE, a C1 control
    "\ue000",  # private use
    "\U000f0000",  # supplementary private use
    "\u0378",  # unassigned
    "\ud800",  # a lone surrogate
    "\u2028",  # LINE SEPARATOR
)
# Latin letters and digits, and the characters outside ASCII that imitate them.
LOOK_ALIKES = {
    target: sorted(c for c, folded in _SKELETONS.items() if folded == target)
    for target in {*"abcdefghijklmnopqrstuvwxyz0123456789", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
}


def identity(platform: str, store_id: str) -> StoreIdentity:
    found = DEFAULT_PLATFORMS.identity(platform, store_id)
    assert found is not None
    return found


class TestNamespaces:
    @pytest.mark.parametrize(
        ("a", "b"),
        [
            (("ebay.com", "best-shop"), ("ebay.co.uk", "best-shop")),
            (("ebay.com", "best-shop"), ("ebay.de", "BEST-SHOP")),
            (("amazon.co.uk", PLAIN), ("amazon.de", PLAIN.lower())),
            (("Amazon US", PLAIN), ("amazon-eu", PLAIN)),
            (("AliExpress", "1101234567"), ("aliexpress.us", "1101234567")),
        ],
    )
    def test_one_account_on_several_sites_is_one_store(self, a, b):
        """One account on two sites of a namespace has one identity."""
        assert identity(*a) == identity(*b)

    def test_separate_accounts_stay_separate(self):
        """Amazon China keeps its own accounts, and eBay is not Amazon."""
        assert identity("amazon.cn", "abc") != identity("amazon.com", "abc")
        assert identity("ebay.com", "abc") != identity("amazon.com", "abc")

    def test_every_namespace_has_a_source(self):
        """Each shared namespace of the default catalog says where it comes from."""
        shared = {p.namespace for p in DEFAULT_PLATFORMS if p.namespace != p.id}
        assert {"amazon", "ebay", "aliexpress"} == shared
        assert all(p.namespace_source for p in DEFAULT_PLATFORMS if p.namespace in shared)

    def test_owner_overrides_a_namespace(self):
        """A policy owner can give one site accounts of its own through the catalog."""
        uk = attrs.evolve(DEFAULT_PLATFORMS.get("ebay.co.uk"), namespace="ebay.co.uk")
        catalog = DEFAULT_PLATFORMS.with_platforms(uk)
        assert catalog.identity("ebay.co.uk", "x") != catalog.identity("ebay.com", "x")

    def test_one_namespace_reads_ids_alike(self):
        """Two platforms of one namespace with different id rules are refused, naming both."""
        odd = attrs.evolve(DEFAULT_PLATFORMS.get("ebay.de"), store_id_case_sensitive=True)
        with pytest.raises(ValidationError, match=r"platforms of namespace 'ebay'") as info:
            DEFAULT_PLATFORMS.with_platforms(odd)
        assert any("store_id_case_sensitive" in p.path for p in info.value.problems)

    def test_catalog_round_trips_namespaces(self):
        """The catalog's JSON form keeps namespaces, patterns and seller URL forms."""
        amazon = DEFAULT_PLATFORMS.get("amazon.de")
        assert amazon == Platform.from_dict(amazon.to_dict())

    def test_pattern_must_be_text(self):
        """A store id pattern that is not a regular expression is reported by field."""
        with pytest.raises(ValidationError, match="store_id_pattern"):
            Platform.from_dict(
                {
                    "id": "x.com",
                    "name": "X",
                    "kind": "domestic",
                    "family": "x",
                    "store_id_pattern": 3,
                }
            )

    def test_bad_namespace_fields_are_reported(self):
        """A bad namespace, pattern or seller URL form names its field."""
        with pytest.raises(ValidationError) as info:
            Platform(
                id="x.com",
                name="X",
                kind=PlatformKind.DOMESTIC,
                family="x",
                namespace="Not An Id",
                store_id_pattern="[",
                seller_urls=("seller=",),
            )
        assert ["namespace", "store_id_pattern", "seller_urls[0]"] == [
            p.path for p in info.value.problems
        ]


class TestRefusals:
    @pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
    def test_invisible_and_control_characters_are_refused(self, char):
        """An invisible, control, private-use, unassigned or surrogate character is refused, named."""
        with pytest.raises(ValidationError) as info:
            identity("Amazon US", f"A2X9{char}K4PLMN7Q")
        assert ["store_id"] == [p.path for p in info.value.problems]
        assert f"U+{ord(char):04X}" in str(info.value)

    @pytest.mark.parametrize("text", ["\u200b", " \u200b\u200d ", "\ufeff"])
    def test_only_invisible_characters_are_refused(self, text):
        """An id made only of invisible characters is refused as such."""
        assert "contains only invisible characters" in (store_id_problem(text) or "")

    def test_surrounding_white_space_is_trimmed(self):
        """Spaces, tabs and newlines around an id are not part of it."""
        assert identity("Amazon US", PLAIN) == identity("Amazon US", f" \t{PLAIN}\n ")

    @pytest.mark.parametrize("text", ["A2X9 K4PLMN7Q", "A2X9\u3000K4PLMN7Q", "A2X9\u00a0K4"])
    def test_spaces_inside_are_refused(self, text):
        """A space inside an id, of any width, is refused rather than removed."""
        with pytest.raises(ValidationError, match="contains a space"):
            identity("Etsy", text)

    def test_longest_id(self):
        """An id of the maximum length passes; one character more is refused."""
        assert MAX_STORE_ID_LENGTH == len(identity("Etsy", "x" * MAX_STORE_ID_LENGTH).store_id)
        with pytest.raises(ValidationError, match="at most 200"):
            identity("Etsy", "x" * (MAX_STORE_ID_LENGTH + 1))

    def test_length_after_normalisation(self):
        """An id that NFKC expands past the maximum is refused."""
        text = "\ufdfa" * 12  # each expands to 18 characters
        assert len(text) <= MAX_STORE_ID_LENGTH
        with pytest.raises(ValidationError, match="NFKC"):
            identity("Etsy", text)

    @pytest.mark.parametrize(
        ("platform", "text", "char"),
        [
            ("Amazon US", "\u04102\u04259\u041a4\u0420L\u041cN7Q", "U\\+0410"),  # Cyrillic
            ("Amazon US", "A2X9-K4PLMN7Q", "U\\+002D"),
            ("AliExpress", "11O1", "U\\+004F"),
            ("eBay", "best@shop", "U\\+0040"),
        ],
    )
    def test_characters_outside_the_platform_set_are_refused(self, platform, text, char):
        """Where a platform's id characters are known, anything else is refused, named."""
        with pytest.raises(ValidationError, match=char):
            identity(platform, text)

    def test_blank_is_refused(self):
        """A blank id is refused."""
        with pytest.raises(ValidationError, match="blank"):
            canonical_store_id("   ")


class TestSellerUrls:
    @pytest.mark.parametrize(
        ("platform", "url", "plain"),
        [
            ("Amazon US", "https://www.amazon.com/sp?seller=A2X9K4PLMN7Q", PLAIN),
            ("Amazon US", "https://www.amazon.de/s?me=A2X9K4PLMN7Q&marketplaceID=X", PLAIN),
            ("amazon.de", "www.amazon.de/sp?ie=UTF8&seller=A2X9K4PLMN7Q", PLAIN),
            ("eBay", "https://www.ebay.com/usr/best-shop", "best-shop"),
            ("ebay.de", "https://www.ebay.de/usr/BEST-SHOP?_trksid=1", "best-shop"),
            ("AliExpress", "https://www.aliexpress.com/store/1101234567", "1101234567"),
            ("AliExpress", "https://aliexpress.us/store/1101234567/search", "1101234567"),
        ],
    )
    def test_seller_page_url_reduces_to_its_id(self, platform, url, plain):
        """A seller page URL given as an id is the id it names."""
        assert identity(platform, plain) == identity(platform, url)

    @pytest.mark.parametrize(
        ("platform", "url"),
        [
            ("Amazon US", "https://www.amazon.com/dp/B000123"),
            ("Amazon US", "https://www.amazon.com/sp?seller=A&seller=B"),
            ("eBay", "https://www.ebay.com/str/bestshop"),
            ("Etsy", "https://www.etsy.com/shop/x"),
            ("eBay", "https://www.ebay.com\\usr\\best-shop"),
            ("Amazon US", "https://www.amazon.com/sp?seller=A2X9%E2%80%8BK4"),
            ("eBay", "shop/1"),
            ("eBay", "https://www.ebay.com/usr/"),
            ("Amazon US", "https://[www.amazon.com/sp?seller=A1"),
            ("Amazon US", "https://www.amazon.com/sp?seller=www.evil.com/x"),
        ],
    )
    def test_other_urls_and_paths_are_refused(self, platform, url):
        """A URL or path that names no id of the platform is refused, never a key of its own."""
        with pytest.raises(ValidationError, match="store_id"):
            identity(platform, url)


class TestLookAlikes:
    def test_whole_script_look_alikes_fold(self):
        """On a platform without a character set, a Cyrillic spelling is the Latin store."""
        assert identity("Etsy", "apple") == identity("Etsy", "\u0430\u0440\u0440l\u0435")

    def test_mixed_script_look_alikes_fold(self):
        """Greek and Cyrillic capitals mixed into a Latin id fold to the Latin letters."""
        # Greek Alpha, Beta, Omicron; Cyrillic Es, Er.
        assert identity("Etsy", "ABCOP") == identity("Etsy", "\u0391\u0392\u0421\u039f\u0420")

    def test_ambiguous_look_alike_is_refused_where_case_matters(self):
        """Cyrillic capital O looks like O and 0: refused where ids keep their case."""
        shop = attrs.evolve(DEFAULT_PLATFORMS.get("etsy.com"), store_id_case_sensitive=True)
        with pytest.raises(ValidationError, match=r"U\+041E .*looks like '0' or 'O'"):
            shop.identity("SH\u041eP")

    def test_ambiguous_capital_folds_through_its_small_letter(self):
        """Where case is ignored, Cyrillic capitals O and I are the Latin o and i."""
        assert identity("Etsy", "SHOP-INC") == identity("Etsy", "SH\u041eP-\u0406NC")

    def test_fold_that_makes_a_path_is_refused(self):
        """A vulgar fraction folds to '1/4' (a fraction slash looks like '/'): no id, refused."""
        with pytest.raises(ValidationError, match="imitates '1/4'"):
            identity("Etsy", "\u00bc")

    @pytest.mark.parametrize("platform", ["Etsy", "eBay"])
    def test_normalisation_and_look_alike_must_agree(self, platform):
        """The long s normalises to 's' but looks like 'f': refused, never either store."""
        with pytest.raises(
            ValidationError, match=r"U\+017F .*normalises to 's' but which looks like 'f'"
        ):
            identity(platform, "000000\u017f")

    def test_compatibility_forms_that_look_alike_fold(self):
        """A full-width letter or a ligature normalises to what it looks like: the same store."""
        assert identity("eBay", "best-shop") == identity("eBay", "\uff22est-Shop")
        assert identity("eBay", "fish") == identity("eBay", "\ufb01sh")

    def test_ascii_is_never_folded(self):
        """0 and O, 1 and l are different characters in ids: never one store."""
        assert identity("Etsy", "shop0") != identity("Etsy", "shopo")
        assert identity("Etsy", "shop1") != identity("Etsy", "shopl")

    def test_non_latin_ids_are_kept(self):
        """An id in another script with no look-alike keeps its letters."""
        assert "淘宝店铺" == identity("Taobao", "淘宝店铺").store_id

    def test_table_is_current(self):
        """The committed look-alike table is what the build script writes."""
        pytest.importorskip("confusable_homoglyphs")
        script = REPO / "scripts" / "build_confusables.py"
        result = subprocess.run(
            [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
        )
        assert 0 == result.returncode, result.stderr

    def test_table_records_its_source(self):
        """The table names the distribution and version it was generated from."""
        data = json.loads(
            (REPO / "src/lazada_eligibility/data/confusables.json").read_text("utf-8")
        )
        assert data["source"].startswith("confusable-homoglyphs 3.3.1")


def variants(draw: st.DrawFn, platform: Platform, plain: str) -> str:
    """One way an adversary might write *plain*: case, space, look-alike, invisible, URL."""
    kind = draw(st.sampled_from(("case", "space", "look-alike", "invisible", "url")))
    if kind == "case":
        return "".join(c.swapcase() if draw(st.booleans()) else c for c in plain)
    if kind == "space":
        return draw(st.sampled_from((" ", "\t", "\u3000"))) + plain + " "
    if kind == "look-alike":
        chars = list(plain)
        i = draw(st.integers(0, len(chars) - 1))
        if LOOK_ALIKES.get(chars[i]):
            chars[i] = draw(st.sampled_from(LOOK_ALIKES[chars[i]]))
        return "".join(chars)
    if kind == "invisible":
        i = draw(st.integers(0, len(plain)))
        return plain[:i] + draw(st.sampled_from(INVISIBLE)) + plain[i:]
    form = draw(st.sampled_from(platform.seller_urls or ("path:/shop/{id}",)))
    if form.startswith("query:"):
        return f"https://www.{platform.id}/sp?{form[6:]}={plain}"
    return f"https://www.{platform.id}{form[5:].replace('{id}', plain)}"


class TestProperties:
    @given(st.data())
    def test_every_variant_is_refused_or_the_same_store(self, data):
        """Each variant of a plain id is refused or has the plain id's identity."""
        platform = DEFAULT_PLATFORMS.get(data.draw(st.sampled_from(PLATFORMS)))
        plain = data.draw(store_ids(platform))
        expected = platform.identity(plain)
        written = data.draw(st.composite(lambda draw: variants(draw, platform, plain))())
        try:
            found = platform.identity(written)
        except ValidationError:
            return
        assert expected == found

    @given(st.data())
    def test_plainly_different_ids_never_collide(self, data):
        """Two ids that differ other than by case are two stores."""
        platform = DEFAULT_PLATFORMS.get(data.draw(st.sampled_from(PLATFORMS)))
        a, b = data.draw(store_ids(platform)), data.draw(store_ids(platform))
        if a.casefold() != b.casefold():
            assert platform.identity(a) != platform.identity(b)

    @given(st.text(min_size=1, max_size=30))
    def test_canonical_is_idempotent(self, text):
        """The canonical id of a canonical id is itself, and never holds a refused character."""
        try:
            once = canonical_store_id(text)
        except ValidationError:
            return
        assert once == canonical_store_id(once)
        assert store_id_problem(once) is None
        assert all(unicodedata.category(c)[0] != "C" for c in once)

    @given(st.text(min_size=1, max_size=12))
    def test_skeleton_is_stable(self, text):
        """Folding to a skeleton twice changes nothing more."""
        try:
            folded = skeleton(unicodedata.normalize("NFKC", text))
        except ValidationError:
            return
        assert folded == skeleton(folded)
