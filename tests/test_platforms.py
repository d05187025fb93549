"""Tests for lazada_eligibility.platforms: kinds, platforms and the catalog."""

# The house style puts the expected value first: `expected == actual`.

from __future__ import annotations

import json
import pickle
import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazada_eligibility import platforms as platforms_module
from lazada_eligibility.exceptions import EligibilityError, FieldProblem, ValidationError
from lazada_eligibility.platforms import (
    DEFAULT_PLATFORMS,
    Platform,
    PlatformCatalog,
    PlatformKind,
)

CROSS = PlatformKind.CROSS_BORDER
DOMESTIC = PlatformKind.DOMESTIC

AMAZON_MARKETPLACES = {
    "US": "amazon.com",
    "CA": "amazon.ca",
    "MX": "amazon.com.mx",
    "BR": "amazon.com.br",
    "UK": "amazon.co.uk",
    "DE": "amazon.de",
    "FR": "amazon.fr",
    "IT": "amazon.it",
    "ES": "amazon.es",
    "NL": "amazon.nl",
    "SE": "amazon.se",
    "PL": "amazon.pl",
    "BE": "amazon.com.be",
    "TR": "amazon.com.tr",
    "SA": "amazon.sa",
    "AE": "amazon.ae",
    "IN": "amazon.in",
    "SG": "amazon.sg",
    "AU": "amazon.com.au",
    "JP": "amazon.co.jp",
}
EBAY_SITES = [
    "ebay.com",
    "ebay.co.uk",
    "ebay.de",
    "ebay.com.au",
    "ebay.fr",
    "ebay.it",
    "ebay.es",
    "ebay.ca",
]
OTHER_CROSS_BORDER = [
    "aliexpress.com",
    "wish.com",
    "etsy.com",
    "walmart.com",
    "temu.com",
    "tiktok-shop",
    "shopee",
    "mercadolibre",
    "ozon.ru",
    "allegro.pl",
    "cdiscount.com",
    "rakuten",
    "alibaba.com",
    "dhgate.com",
    "made-in-china.com",
]
REQUIRED_DOMESTIC = [
    "taobao.com",
    "tmall.com",
    "jd.com",
    "pinduoduo.com",
    "douyin.com",
    "1688.com",
    "amazon.cn",
    "tmall-global",
    "jd-international",
]
REQUIRED_KINDS = [
    *((platform_id, CROSS) for platform_id in AMAZON_MARKETPLACES.values()),
    *((platform_id, CROSS) for platform_id in EBAY_SITES),
    *((platform_id, CROSS) for platform_id in OTHER_CROSS_BORDER),
    *((platform_id, DOMESTIC) for platform_id in REQUIRED_DOMESTIC),
]

CHINESE_NAMES = [
    ("亚马逊", "amazon.com"),
    ("亚马逊美国站", "amazon.com"),
    ("亚马逊美国", "amazon.com"),
    ("亚马逊德国站", "amazon.de"),
    ("亚马逊英国站", "amazon.co.uk"),
    ("亚马逊日本站", "amazon.co.jp"),
    ("亚马逊澳洲站", "amazon.com.au"),
    ("亚马逊欧洲站", "amazon-eu"),
    ("速卖通", "aliexpress.com"),
    ("淘宝", "taobao.com"),
    ("天猫", "tmall.com"),
    ("京东", "jd.com"),
    ("拼多多", "pinduoduo.com"),
    ("抖音", "douyin.com"),
    ("抖店", "douyin.com"),
    ("1688", "1688.com"),
    ("阿里巴巴1688", "1688.com"),
    ("亚马逊中国", "amazon.cn"),
    ("天猫国际", "tmall-global"),
    ("京东国际", "jd-international"),
    ("希音", "shein.com"),
    ("敦煌网", "dhgate.com"),
    ("易贝", "ebay.com"),
    ("eBay英国站", "ebay.co.uk"),
]


def _fullwidth(text: str) -> str:
    """Return *text* with ASCII letters and digits in their full-width forms."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def make(platform_id="x.com", **changes) -> Platform:
    """Build a valid platform, with *changes* applied."""
    fields = {"id": platform_id, "name": platform_id.title(), "kind": CROSS, "family": "x"}
    return Platform(**{**fields, **changes})


def entry(platform_id="x.com", **changes) -> dict[str, object]:
    """Build a valid JSON catalog entry, with *changes* applied."""
    return {**make(platform_id).to_dict(), **changes}


def paths(error: ValidationError) -> list[str]:
    """Return the paths of every problem in *error*."""
    return [problem.path for problem in error.problems]


class TestPlatformKind:
    """PlatformKind values, str() and parsing."""

    def test_str_is_value(self):
        """str() of a kind is its value."""
        assert ["cross-border", "domestic"] == [str(kind) for kind in PlatformKind]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("cross-border", CROSS),
            ("CROSS-BORDER", CROSS),
            ("cross_border", CROSS),
            (" Cross Border ", CROSS),
            ("domestic", DOMESTIC),
            ("Domestic", DOMESTIC),
            (DOMESTIC, DOMESTIC),
        ],
    )
    def test_parse(self, text, expected):
        """Parsing ignores case, surrounding space and underscore versus dash."""
        assert expected is PlatformKind.parse(text)

    @pytest.mark.parametrize("text", ["foo", "", "crossborder", 1, None])
    def test_parse_rejects_unknown(self, text):
        """An unknown kind is a ValidationError at path kind naming the value."""
        with pytest.raises(ValidationError) as info:
            PlatformKind.parse(text)
        expected = f"kind: expected 'cross-border' or 'domestic', got {text!r}"
        assert expected == str(info.value)


class TestPlatform:
    """Platform values, validation and store id normalisation."""

    def test_valid(self):
        """A platform keeps its fields and defaults optional ones."""
        platform = make("shop.example", aliases=("Shop",), domains=("shop.example",))
        assert ("Shop", ("shop.example",), "", False) == (
            platform.aliases[0],
            platform.domains,
            platform.source,
            platform.store_id_case_sensitive,
        )

    def test_frozen(self):
        """Platforms cannot be changed after construction."""
        platform = make()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            platform.name = "Other"  # type: ignore[misc]

    def test_all_bad_fields_reported(self):
        """Construction reports every bad field at once, each by name."""
        with pytest.raises(ValidationError) as info:
            Platform(
                id="Amazon US",
                name=" ",
                kind="domestic",  # type: ignore[arg-type]
                family="",
                aliases=("ok", "--"),
                domains=["amazon.de"],  # type: ignore[arg-type]
                source=3,  # type: ignore[arg-type]
                store_id_case_sensitive="no",  # type: ignore[arg-type]
            )
        expected = [
            "id",
            "name",
            "kind",
            "family",
            "aliases[1]",
            "domains",
            "source",
            "store_id_case_sensitive",
        ]
        assert expected == paths(info.value)

    @pytest.mark.parametrize("domain", ["https://amazon.de", "Amazon.de", "amazon", "amazon.de/x"])
    def test_bad_domain(self, domain):
        """A domain must be a bare lowercase host name."""
        with pytest.raises(ValidationError, match=re.escape(f"got {domain!r}")):
            make(domains=(domain,))

    def test_is_eligibility_error(self):
        """Validation errors derive from the library root and ValueError."""
        with pytest.raises(EligibilityError) as info:
            make("BAD ID")
        assert isinstance(info.value, ValueError)

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            (" A1B2C3 ", "a1b2c3"),
            ("Store-42", "store-42"),
            (_fullwidth("ABC"), "abc"),
            ("\tx\n", "x"),
        ],
    )
    def test_normalize_store_id(self, raw, expected):
        """Store ids are NFKC-normalised, trimmed and case-folded."""
        assert expected == make().normalize_store_id(raw)

    def test_normalize_store_id_case_sensitive(self):
        """A case-sensitive platform keeps the case of store ids."""
        assert "AbC" == make(store_id_case_sensitive=True).normalize_store_id(" AbC ")

    @pytest.mark.parametrize("raw", ["", "   ", "\u3000"])
    def test_normalize_store_id_blank(self, raw):
        """A blank store id is a ValidationError at path store_id."""
        with pytest.raises(ValidationError) as info:
            make().normalize_store_id(raw)
        assert [FieldProblem("store_id", f"must not be blank, got {raw!r}")] == list(
            info.value.problems
        )

    def test_dict_round_trip(self):
        """from_dict reads what to_dict writes."""
        platform = make(
            aliases=("X",), domains=("x.com",), source="s", store_id_case_sensitive=True
        )
        assert platform == Platform.from_dict(platform.to_dict())

    def test_from_dict_minimal(self):
        """from_dict needs only id, name, kind and family."""
        platform = Platform.from_dict(
            {"id": "x", "name": "X", "kind": "Cross_Border", "family": "x"}
        )
        assert make("x", name="X") == platform

    def test_from_dict_reports_every_problem(self):
        """from_dict reports unknown, missing and bad fields together."""
        with pytest.raises(ValidationError) as info:
            Platform.from_dict({"id": "X", "kind": "foo", "aliases": "x", "colour": "red"})
        expected = ["id", "kind", "aliases", "colour", "name", "family"]  # document order
        assert expected == paths(info.value)

    def test_from_dict_not_an_object(self):
        """from_dict refuses anything but a mapping."""
        with pytest.raises(ValidationError, match=r"expected an object, got \['x'\]"):
            Platform.from_dict(["x"])  # type: ignore[arg-type]


@pytest.fixture(name="catalog")
def catalog_fixture() -> PlatformCatalog:
    """Return a small catalog with two Amazon marketplaces."""
    return PlatformCatalog(
        [
            make("amazon.com", name="Amazon US", family="amazon", domains=("amazon.com",)),
            make(
                "amazon.de",
                name="Amazon Germany",
                family="amazon",
                aliases=("Amazon DE", "亚马逊德国站"),
                domains=("amazon.de",),
            ),
            make("taobao.com", name="Taobao", kind=DOMESTIC, aliases=("淘宝",)),
        ]
    )


class TestResolve:
    """PlatformCatalog.resolve: aliases, URLs, hosts and unknown text."""

    @pytest.mark.parametrize(
        "text",
        [
            "Amazon US",
            "amazon-us",
            "AMAZON.COM",
            " amazon us ",
            "amazon_us",
            "AmazonUS",
            _fullwidth("Amazon US"),
            "amazon.com",
            "Amazon",
            "https://www.amazon.com/dp/B000",
            "http://amazon.com",
            "amazon.com:443",
            "smile.amazon.com",
            "sellercentral.amazon.com",
        ],
    )
    def test_amazon_us_forms(self, text):
        """Case, width, spacing, punctuation, URLs and subdomains all resolve."""
        assert "amazon.com" == DEFAULT_PLATFORMS.resolve(text).id

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("https://www.amazon.de/shops/X", "amazon.de"),
            ("www.amazon.de/shops/X", "amazon.de"),
            ("sellercentral.amazon.de", "amazon.de"),
            ("HTTPS://SELLERCENTRAL.AMAZON.DE/home", "amazon.de"),
            ("www.ebay.co.uk", "ebay.co.uk"),
            ("https://www.ebay.co.uk/str/shop?x=1#top", "ebay.co.uk"),
            ("amazon.com.au", "amazon.com.au"),
            ("https://www.amazon.co.jp/", "amazon.co.jp"),
            ("sellercentral-japan.amazon.com", "amazon.co.jp"),
            ("sellercentral-europe.amazon.com", "amazon-eu"),
            ("https://shopee.com.my/shop/1", "shopee"),
            ("https://www.tiktok.com/@store", "tiktok-shop"),
            ("fxg.jinritemai.com", "douyin.com"),
            ("https://mobile.yangkeduo.com/goods.html", "pinduoduo.com"),
            ("m.tb.cn/h.abc", "taobao.com"),
            ("https://detail.tmall.hk/item.htm", "tmall-global"),
            ("https://shop.jd.com/", "jd.com"),
            ("https://npcitem.jd.hk/1.html", "jd-international"),
            ("amazon.de.", "amazon.de"),
        ],
    )
    def test_urls_and_hosts(self, text, expected):
        """A URL or host resolves by its longest registered domain."""
        assert expected == DEFAULT_PLATFORMS.resolve(text).id

    @pytest.mark.parametrize(("text", "expected"), CHINESE_NAMES)
    def test_chinese_names(self, text, expected):
        """The Chinese names sellers use resolve to the platform they mean."""
        assert expected == DEFAULT_PLATFORMS.resolve(text).id

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "   ",
            "---",
            "Lazada",
            "阿里巴巴",
            "amazon.xyz",
            "https://example.com/amazon",
            "https://amazon.com.evil.example/",
            "https://evil.example/?u=amazon.com",
            "http://[::1",
            "https://",
            "notamazon.com",
        ],
    )
    def test_unknown_is_none(self, text):
        """Text that names no known platform resolves to None, never a guess."""
        assert DEFAULT_PLATFORMS.resolve(text) is None

    def test_unregistered_country_domain_is_not_parent(self, catalog):
        """amazon.com.au never falls back to amazon.com when it is not registered."""
        assert [None, None, None] == [
            catalog.resolve("amazon.com.au"),
            catalog.resolve("https://www.amazon.com.au/x"),
            catalog.resolve("sellercentral.amazon.com.au"),
        ]

    def test_suffix_on_dot_boundary(self, catalog):
        """A host only matches a domain at a dot boundary."""
        assert (None, "amazon.com") == (
            catalog.resolve("notamazon.com"),
            catalog.resolve("not.amazon.com").id,
        )

    def test_every_id_name_alias_and_domain(self):
        """Every id, name, alias and domain of the default catalog resolves to its platform."""
        wrong = [
            (text, platform.id)
            for platform in DEFAULT_PLATFORMS
            for text in (platform.id, platform.name, *platform.aliases, *platform.domains)
            if DEFAULT_PLATFORMS.resolve(text) is not platform
        ]
        assert [] == wrong

    def test_memoised(self, catalog):
        """A repeated input is answered from the memo."""
        first = catalog.resolve("Amazon DE")
        assert (first, first) == (catalog._cache["Amazon DE"], catalog.resolve("Amazon DE"))

    def test_memo_is_bounded(self, catalog, monkeypatch):
        """The memo is cleared when it is full, and answers stay right."""
        monkeypatch.setattr(platforms_module, "_CACHE_SIZE", 2)
        answers = [catalog.resolve(text) for text in ["Amazon DE", "x", "y", "淘宝"]]
        assert (2, "taobao.com") == (len(catalog._cache), answers[3].id)


class TestCatalog:
    """PlatformCatalog construction, lookup and protocols."""

    def test_len_iter_ids(self, catalog):
        """len, iteration and ids() follow construction order."""
        expected = ("amazon.com", "amazon.de", "taobao.com")
        assert (3, expected, expected) == (
            len(catalog),
            tuple(p.id for p in catalog),
            catalog.ids(),
        )

    def test_contains(self, catalog):
        """A catalog contains its ids and its platforms, nothing else."""
        amazon = catalog.get("amazon.com")
        assert [True, True, False, False, False] == [
            "amazon.com" in catalog,
            amazon in catalog,
            attrs.evolve(amazon, name="Other") in catalog,
            "Amazon US" in catalog,
            42 in catalog,
        ]

    def test_get_unknown(self, catalog):
        """Getting an unknown id raises KeyError naming it."""
        with pytest.raises(KeyError, match=r"unknown platform id 'ebay\.com'"):
            catalog.get("ebay.com")

    def test_equality_and_hash(self, catalog):
        """Catalogs with the same platforms are equal and hash equal."""
        other = PlatformCatalog(list(catalog))
        assert (True, hash(catalog), False) == (
            catalog == other,
            hash(other),
            catalog == list(catalog),
        )

    def test_repr(self, catalog):
        """The repr says how many platforms there are."""
        assert "<PlatformCatalog of 3 platforms>" == repr(catalog)

    def test_pickle(self):
        """A catalog survives pickling, as parallel runs need."""
        copy = pickle.loads(pickle.dumps(DEFAULT_PLATFORMS))
        assert (DEFAULT_PLATFORMS, "amazon.de") == (copy, copy.resolve("德亚").id)

    def test_empty(self):
        """An empty catalog resolves nothing."""
        assert (0, None) == (len(PlatformCatalog()), PlatformCatalog().resolve("Amazon"))

    def test_not_a_platform(self):
        """Non-platforms are refused, by position."""
        with pytest.raises(ValidationError) as info:
            PlatformCatalog([make(), "amazon.com"])  # type: ignore[list-item]
        assert ["platforms[1]"] == paths(info.value)

    def test_duplicate_id(self):
        """A duplicate id is an error naming the id and both positions."""
        with pytest.raises(ValidationError) as info:
            PlatformCatalog([make("a"), make("b"), make("a", name="Other")])
        expected = "platforms[2].id: duplicate id 'a', first at platforms[0]"
        assert expected == str(info.value)

    def test_alias_clash_names_both(self):
        """An alias claimed by two platforms is an error naming both."""
        with pytest.raises(ValidationError) as info:
            PlatformCatalog([make("a", aliases=("Shop X",)), make("b", aliases=("shop-x",))])
        expected = (
            "platforms[1].aliases[0]: 'shop-x' of 'b' clashes with 'Shop X' of 'a'"
            " at platforms[0].aliases[0]"
        )
        assert expected == str(info.value)

    def test_domain_clash_names_both(self):
        """A domain claimed by two platforms is an error naming both."""
        with pytest.raises(ValidationError, match=r"'x\.com' of 'b' clashes with 'x\.com' of 'a'"):
            PlatformCatalog([make("a", domains=("x.com",)), make("b", domains=("x.com",))])

    def test_name_clashing_with_other_id(self):
        """A name that normalises to another platform's id is a clash."""
        with pytest.raises(ValidationError, match=r"^platforms\[1\]\.name: "):
            PlatformCatalog([make("shop-x"), make("b", name="Shop X")])

    def test_all_clashes_reported(self):
        """Every clash is reported at once."""
        with pytest.raises(ValidationError) as info:
            PlatformCatalog(
                [
                    make("a", aliases=("p", "q"), domains=("a.com",)),
                    make("b", aliases=("P", "Q"), domains=("a.com",)),
                ]
            )
        expected = ["platforms[1].aliases[0]", "platforms[1].aliases[1]", "platforms[1].domains[0]"]
        assert expected == paths(info.value)

    def test_own_duplicates_are_fine(self):
        """A platform may repeat its own names and domains."""
        platform = make("x.com", name="X", aliases=("X", "x.com"), domains=("x.com", "x.com"))
        assert "x.com" == PlatformCatalog([platform]).resolve("X").id


class TestExtension:
    """with_platforms and without build new catalogs."""

    def test_override_keeps_position(self, catalog):
        """A platform with an existing id replaces it in place."""
        domestic_de = attrs.evolve(catalog.get("amazon.de"), kind=DOMESTIC)
        changed = catalog.with_platforms(domestic_de)
        assert (catalog.ids(), DOMESTIC, CROSS) == (
            changed.ids(),
            changed.resolve("Amazon DE").kind,
            catalog.resolve("Amazon DE").kind,
        )

    def test_add(self, catalog):
        """A platform with a new id is added at the end."""
        changed = catalog.with_platforms(make("ebay.com", aliases=("eBay",)))
        assert ("ebay.com", "ebay.com") == (changed.ids()[-1], changed.resolve("EBAY").id)

    def test_override_may_drop_aliases(self, catalog):
        """Aliases of a replaced platform are gone from the new catalog."""
        changed = catalog.with_platforms(make("amazon.de", name="Amazon Germany"))
        assert (None, "amazon.de") == (
            changed.resolve("亚马逊德国站"),
            changed.resolve("Amazon Germany").id,
        )

    def test_override_default_kind(self):
        """Policy owners can reclassify a default platform without editing package files."""
        review_wish = attrs.evolve(DEFAULT_PLATFORMS.get("wish.com"), kind=DOMESTIC)
        assert DOMESTIC == DEFAULT_PLATFORMS.with_platforms(review_wish).resolve("Wish").kind

    def test_duplicate_arguments(self, catalog):
        """Two new platforms with one id are refused."""
        with pytest.raises(ValidationError, match="duplicate id 'n'"):
            catalog.with_platforms(make("n"), make("n", name="N2"))

    def test_clash_with_existing(self, catalog):
        """A new platform may not claim another platform's alias."""
        with pytest.raises(ValidationError, match=r"'amazon\.de'"):
            catalog.with_platforms(make("n", aliases=("Amazon-DE",)))

    def test_without(self, catalog):
        """Removed platforms resolve to None in the new catalog."""
        smaller = catalog.without("amazon.de", "taobao.com")
        assert (("amazon.com",), None) == (smaller.ids(), smaller.resolve("淘宝"))

    def test_without_unknown(self, catalog):
        """Removing an id the catalog does not have raises KeyError."""
        with pytest.raises(KeyError, match=r"'ebay\.com'"):
            catalog.without("ebay.com")


class TestFromDict:
    """Catalog documents: from_dict, from_file and to_dict."""

    def test_round_trip(self):
        """The default catalog round-trips through JSON text."""
        text = json.dumps(DEFAULT_PLATFORMS.to_dict(), ensure_ascii=False)
        assert DEFAULT_PLATFORMS == PlatformCatalog.from_dict(json.loads(text))

    def test_package_file(self):
        """from_file reads the package data file into the default catalog."""
        path = platforms_module.__file__.replace("platforms.py", "data/platforms.json")
        assert DEFAULT_PLATFORMS == PlatformCatalog.from_file(path)

    def test_from_file(self, tmp_path):
        """from_file reads a UTF-8 JSON file."""
        path = tmp_path / "platforms.json"
        document = {"platforms": [entry("x.com", aliases=["店铺"])]}
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        assert "x.com" == PlatformCatalog.from_file(path).resolve("店铺").id

    def test_from_file_not_json(self, tmp_path):
        """A file that is not JSON is a ValidationError naming the file and line."""
        path = tmp_path / "bad.json"
        path.write_text('{\n  "platforms": [,]\n}', encoding="utf-8")
        with pytest.raises(ValidationError, match=r"bad\.json is not JSON: .* line 2 column"):
            PlatformCatalog.from_file(path)

    def test_bad_kind_message(self):
        """A bad kind is reported with its entry index and field."""
        document = {"platforms": [entry("a"), entry("b"), entry("c"), entry("d", kind="foo")]}
        with pytest.raises(ValidationError) as info:
            PlatformCatalog.from_dict(document)
        expected = "platforms[3].kind: expected 'cross-border' or 'domestic', got 'foo'"
        assert expected == str(info.value)

    def test_all_problems_reported(self):
        """Every problem in every entry, and clashes between good entries, come at once."""
        document = {
            "version": 2,
            "colour": "red",
            "platforms": [
                entry("a", aliases=["Shop"]),
                entry("b", id="B", kind="foo"),
                "amazon.com",
                {"name": "No id"},
                entry("e", aliases=["shop"], domains=["E.COM"]),
                entry("f", aliases=["shop"]),
            ],
        }
        with pytest.raises(ValidationError) as info:
            PlatformCatalog.from_dict(document)
        expected = [
            "colour",
            "version",
            "platforms[1].id",
            "platforms[1].kind",
            "platforms[2]",
            "platforms[3].id",
            "platforms[3].kind",
            "platforms[3].family",
            "platforms[4].domains[0]",
            "platforms[5].aliases[0]",
        ]
        assert expected == paths(info.value)

    @pytest.mark.parametrize("platforms", [None, {}, "x"])
    def test_platforms_not_a_list(self, platforms):
        """The platforms field must be a list."""
        with pytest.raises(ValidationError, match=r"^platforms: expected a list of platforms"):
            PlatformCatalog.from_dict({"platforms": platforms})

    @pytest.mark.parametrize("version", [True, "1", 2])
    def test_version(self, version):
        """Only version 1 documents are read."""
        with pytest.raises(ValidationError, match=r"^version: expected 1"):
            PlatformCatalog.from_dict({"version": version, "platforms": []})

    def test_not_an_object(self):
        """A document must be an object."""
        with pytest.raises(ValidationError, match="expected an object"):
            PlatformCatalog.from_dict([])  # type: ignore[arg-type]

    def test_description_allowed(self):
        """A document may carry a description."""
        assert 0 == len(PlatformCatalog.from_dict({"description": "none", "platforms": []}))


class TestDefaultPlatforms:
    """The package's default catalog covers what the policy needs."""

    @pytest.mark.parametrize(("platform_id", "kind"), REQUIRED_KINDS)
    def test_required_platform(self, platform_id, kind):
        """Every required platform is present with the right kind."""
        assert kind == DEFAULT_PLATFORMS.get(platform_id).kind

    @pytest.mark.parametrize(("code", "domain"), AMAZON_MARKETPLACES.items())
    def test_amazon_marketplace(self, code, domain):
        """Every Amazon marketplace is one platform, with its domain, named by its code."""
        platform = DEFAULT_PLATFORMS.resolve(f"Amazon {code}")
        assert (domain, domain, "amazon") == (platform.id, platform.domains[0], platform.family)

    def test_every_entry_has_source(self):
        """Every entry says where its classification comes from."""
        assert [] == [p.id for p in DEFAULT_PLATFORMS if not p.source.strip()]

    def test_sources_cite_notes_or_say_judgment(self):
        """Each source cites the research notes or the design, or says it is a judgment."""
        pattern = re.compile(r"^(judgment: |research/domain\.md: )")
        assert [] == [p.id for p in DEFAULT_PLATFORMS if not pattern.match(p.source)]

    @pytest.mark.parametrize("platform_id", ["tmall-global", "jd-international"])
    def test_import_channels_are_judgments(self, platform_id):
        """The ambiguous import channels say their kind is a judgment."""
        assert DEFAULT_PLATFORMS.get(platform_id).source.startswith("judgment:")

    def test_no_case_sensitive_store_ids(self):
        """No default platform has case-sensitive store ids."""
        assert [] == [p.id for p in DEFAULT_PLATFORMS if p.store_id_case_sensitive]


def _variant(draw: st.DrawFn, text: str) -> str:
    """Draw a spelling of *text* that differs in case, width and separators only."""
    out = []
    for char in text:
        if char.isspace():
            out.append(draw(st.sampled_from([" ", "  ", "-", "_", "\u3000"])))
            continue
        case = draw(st.sampled_from([str.lower, str.upper, str]))
        changed = case(char)
        if changed.isascii() and changed.isalnum() and draw(st.booleans()):
            changed = _fullwidth(changed)
        out.append(changed)
        out.append(draw(st.sampled_from(["", "", " ", "-", "_"])))
    return draw(st.sampled_from(["", " ", "\t"])) + "".join(out) + draw(st.sampled_from(["", " "]))


KNOWN_NAMES = sorted(
    {(text, p.id) for p in DEFAULT_PLATFORMS for text in (p.id, p.name, *p.aliases)}
)


@st.composite
def known_variants(draw: st.DrawFn) -> tuple[str, str]:
    """Draw a case, width or spacing variant of a known name and its platform id."""
    text, platform_id = draw(st.sampled_from(KNOWN_NAMES))
    return _variant(draw, text), platform_id


class TestResolveProperties:
    """Laws resolve obeys on any input."""

    @given(st.text())
    def test_never_raises(self, text):
        """Arbitrary text never makes resolve raise; it answers a platform or None."""
        found = DEFAULT_PLATFORMS.resolve(text)
        assert found is None or found in DEFAULT_PLATFORMS

    @given(
        st.sampled_from(["http://", "https://", "", "//"]),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-:[]@", max_size=30),
        st.text(max_size=10),
    )
    def test_url_like_never_raises(self, scheme, host, rest):
        """URL-like text never makes resolve raise."""
        found = DEFAULT_PLATFORMS.resolve(f"{scheme}{host}/{rest}")
        assert found is None or found in DEFAULT_PLATFORMS

    @given(known_variants())
    def test_variants_resolve_alike(self, variant):
        """Case, width and spacing variants of a known name resolve to the same platform."""
        text, platform_id = variant
        assert platform_id == DEFAULT_PLATFORMS.resolve(text).id

    @given(st.text())
    def test_idempotent(self, text):
        """Resolving twice gives the same answer."""
        assert DEFAULT_PLATFORMS.resolve(text) is DEFAULT_PLATFORMS.resolve(text)

    @given(st.sets(st.sampled_from(DEFAULT_PLATFORMS.ids()), max_size=10))
    def test_without_round_trips(self, removed):
        """Any sub-catalog round-trips through to_dict and from_dict."""
        smaller = DEFAULT_PLATFORMS.without(*removed)
        assert smaller == PlatformCatalog.from_dict(smaller.to_dict())
