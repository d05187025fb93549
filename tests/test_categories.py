"""Tests for lazada_eligibility.categories: the tree, its groups and the category map."""

# The house style puts the expected value first: `expected == actual`.

from __future__ import annotations

import importlib.util
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazada_eligibility.categories import (
    DEFAULT_CATEGORY_MAP,
    LAZADA_CATEGORIES,
    Category,
    CategoryMap,
    CategoryTaxonomy,
)
from lazada_eligibility.exceptions import (
    EligibilityError,
    UnknownCategoryError,
    ValidationError,
)

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "build_categories.py"
RESEARCH = REPO.parent / "shared" / "research" / "lazada-ph-storefront-categories.json"
DATA = REPO / "src" / "lazada_eligibility" / "data" / "categories.json"
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

TOP_LEVELS = [
    "electronic-devices",
    "electronic-accessories",
    "tv-home-appliances",
    "health-beauty",
    "babies-toys",
    "groceries-pets",
    "home-living",
    "womens-fashion",
    "mens-fashion",
    "kids-fashion",
    "sports-lifestyle",
    "automotive-motorcycles",
    "digital-goods",
]

category_ids = st.sampled_from([c.id for c in LAZADA_CATEGORIES])


def small_tree(**groups: list[str]) -> CategoryTaxonomy:
    """Return toys > dolls > rag-dolls and books, with *groups*."""
    return CategoryTaxonomy(
        [
            Category(id="toys", name="Toys"),
            Category(id="dolls", name="Dolls", parent="toys", level=2),
            Category(id="rag-dolls", name="Rag Dolls", parent="dolls", level=3),
            Category(id="books", name="Books"),
        ],
        groups,
    )


def entry(category_id: str, parent: str | None = None, level: int = 1) -> dict[str, object]:
    """Return one category in the JSON shape of the data file."""
    return {"id": category_id, "name": category_id.title(), "parent": parent, "level": level}


def load_script():
    """Import scripts/build_categories.py as a module."""
    spec = importlib.util.spec_from_file_location("build_categories", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestLazadaTree:
    """The default tree built from the research snapshot."""

    def test_sizes(self):
        """The tree has the research file's 13, 131 and 1,000 categories per level."""
        levels = [c.level for c in LAZADA_CATEGORIES]

        assert (1144, 13, 131, 1000) == (
            len(LAZADA_CATEGORIES),
            levels.count(1),
            levels.count(2),
            levels.count(3),
        )

    def test_required_top_levels(self):
        """Exactly the required top-level ids exist, in storefront order."""
        assert TOP_LEVELS == [c.id for c in LAZADA_CATEGORIES if c.level == 1]

    @pytest.mark.parametrize(
        ("category_id", "name", "lazada_id"),
        [
            ("mobiles", "Mobiles", "5121"),
            ("tablets", "Tablets", "5120"),
            ("laptops", "Laptops", "5149"),
            ("desktop-computers", "Desktops", "5148"),
            ("cameras", "Digital Cameras", "5185"),
        ],
    )
    def test_required_electronic_devices(self, category_id, name, lazada_id):
        """The required level-2 ids sit below electronic-devices with Lazada's ids."""
        expected = Category(
            id=category_id,
            name=name,
            parent="electronic-devices",
            level=2,
            lazada_id=lazada_id,
        )

        assert expected == LAZADA_CATEGORIES.get(category_id)

    def test_slugs_unique_and_well_formed(self):
        """Every id is a lowercase slug and no two categories share one."""
        ids = [c.id for c in LAZADA_CATEGORIES]

        assert [] == [i for i in ids if not SLUG.fullmatch(i)]
        assert len(ids) == len(set(ids))

    def test_lazada_ids(self):
        """Only top-level categories lack a Lazada id, and Lazada ids are numeric."""
        assert [] == [c.id for c in LAZADA_CATEGORIES if (c.lazada_id is None) != (c.level == 1)]
        assert all(c.lazada_id.isdigit() for c in LAZADA_CATEGORIES if c.lazada_id)

    @pytest.mark.parametrize(
        ("category_id", "parent", "name"),
        [
            ("laptops-gaming", "laptops", "Gaming"),
            ("desktop-computers-gaming", "desktop-computers", "Gaming"),
            ("home-decor", "home-living", "Home Décor"),
            ("womens-accessories", "womens-fashion", "Accessories"),
            ("crackers-biscuits-18995", "milk-formula-baby-food", "Crackers & Biscuits"),
            ("crackers-biscuits-18996", "milk-formula-baby-food", "Crackers & Biscuits"),
        ],
    )
    def test_slug_rules(self, category_id, parent, name):
        """Clashes take the parent's slug, accents fold, same-named siblings keep ids."""
        category = LAZADA_CATEGORIES.get(category_id)

        assert (parent, name) == (category.parent, category.name)

    def test_source_and_group_in_data(self):
        """The data file says where the tree comes from and names the 3C group."""
        assert "GanChuanYin/blog" in (LAZADA_CATEGORIES.source or "")
        assert "3C digital" == LAZADA_CATEGORIES.group_name("3c-digital")
        assert frozenset({"electronic-devices", "electronic-accessories"}) == (
            LAZADA_CATEGORIES.group("3c-digital")
        )


class TestCategory:
    """Category values and their validation."""

    def test_defaults_make_a_top_level(self):
        """A category without parent or level is a top-level one."""
        category = Category(id="toys", name="Toys")

        assert (None, 1, None) == (category.parent, category.level, category.lazada_id)

    def test_every_bad_field_reported(self):
        """A category with several bad fields names each of them."""
        with pytest.raises(ValidationError) as e:
            Category(id="Bad Id", name=" ", parent="x", level=0, lazada_id="")

        assert ["id", "name", "level", "lazada_id"] == [p.path for p in e.value.problems]

    @pytest.mark.parametrize(("parent", "level"), [(None, 2), ("toys", 1)])
    def test_level_one_exactly_without_parent(self, parent, level):
        """Level 1 and having no parent go together."""
        with pytest.raises(ValidationError, match="level"):
            Category(id="dolls", name="Dolls", parent=parent, level=level)


class TestLookups:
    """Lookups, containment, groups and match keys."""

    def test_get_contains_iter_len(self):
        """The taxonomy is a collection of categories, not of groups."""
        tree = small_tree(playthings=["toys"])

        assert "Dolls" == tree.get("dolls").name
        assert ("dolls" in tree, "playthings" in tree, 3 in tree) == (True, False, False)
        assert ["toys", "dolls", "rag-dolls", "books"] == [c.id for c in tree]
        assert 4 == len(tree)

    def test_top_level(self):
        """The top level of a category is its level-1 ancestor, or itself."""
        tree = small_tree()

        assert ("toys", "toys") == (tree.top_level("rag-dolls").id, tree.top_level("toys").id)

    def test_ancestors_and_children(self):
        """Ancestors go parent first; children are direct only."""
        tree = small_tree()

        assert ["dolls", "toys"] == [c.id for c in tree.ancestors("rag-dolls")]
        assert () == tree.ancestors("toys")
        assert ["dolls"] == [c.id for c in tree.children("toys")]
        assert () == tree.children("rag-dolls")

    @pytest.mark.parametrize(
        ("category_id", "other", "expected"),
        [
            ("rag-dolls", "rag-dolls", True),
            ("rag-dolls", "dolls", True),
            ("rag-dolls", "toys", True),
            ("toys", "dolls", False),
            ("books", "toys", False),
            ("rag-dolls", "playthings", True),
            ("books", "playthings", False),
        ],
    )
    def test_is_within(self, category_id, other, expected):
        """A category is within itself, its ancestors and groups holding either."""
        tree = small_tree(playthings=["toys"])

        assert expected == tree.is_within(category_id, other)

    def test_groups_of(self):
        """A category is in the groups that hold it or one of its ancestors."""
        tree = small_tree(playthings=["toys"], **{"dolls-only": ["dolls"]})

        assert frozenset({"playthings", "dolls-only"}) == tree.groups_of("rag-dolls")
        assert frozenset() == tree.groups_of("books")

    def test_3c_digital_match_key(self):
        """Mobiles and an electronic-accessories category share the 3C match key."""
        assert "3c-digital" == LAZADA_CATEGORIES.match_key("mobiles")
        assert LAZADA_CATEGORIES.match_key("mobiles") == LAZADA_CATEGORIES.match_key("audio")
        assert "health-beauty" == LAZADA_CATEGORIES.match_key("health-beauty")
        assert frozenset() == LAZADA_CATEGORIES.groups_of("skincare")

    def test_match_key_ignores_groups_below_top_level(self):
        """A group of lower-level categories does not change match keys."""
        tree = small_tree(dollish=["dolls"])

        assert "toys" == tree.match_key("rag-dolls")

    def test_groups(self):
        """Groups are told apart from categories and listed with their members."""
        tree = small_tree(playthings=["toys", "books"])

        assert (True, False) == (tree.is_group("playthings"), tree.is_group("toys"))
        assert {"playthings": frozenset({"toys", "books"})} == dict(tree.groups)
        assert "playthings" == tree.group_name("playthings")

    def test_find(self):
        """Name search ignores case and accents and puts exact matches first."""
        assert ["laptops", "traditional-laptops"] == [
            c.id for c in LAZADA_CATEGORIES.find("LAPTOPS")
        ]
        assert ["home-decor"] == [c.id for c in LAZADA_CATEGORIES.find("home décor")]
        assert () == LAZADA_CATEGORIES.find(" & ")

    def test_reprs(self):
        """Taxonomies and maps have short reprs, not their whole contents."""
        assert "<CategoryTaxonomy: 1144 categories, groups ['3c-digital']>" == repr(
            LAZADA_CATEGORIES
        )
        assert "<CategoryMap: families ['aliexpress', 'ebay', 'amazon']>" == repr(
            DEFAULT_CATEGORY_MAP
        )


class TestUnknownIds:
    """Unknown ids and their suggestions."""

    def test_suggestions(self):
        """An unknown id suggests the closest known ids, best first."""
        with pytest.raises(UnknownCategoryError) as e:
            LAZADA_CATEGORIES.get("mobile")

        assert "mobile" == e.value.category_id
        assert "mobiles" == e.value.suggestions[0]
        assert "did you mean 'mobiles'" in str(e.value)

    def test_suggestions_by_name(self):
        """An id that looks like a category's name suggests that category."""
        with pytest.raises(UnknownCategoryError) as e:
            LAZADA_CATEGORIES.get("Desktop")

        assert "desktop-computers" in e.value.suggestions

    @pytest.mark.parametrize(
        "method",
        ["get", "top_level", "ancestors", "children", "groups_of", "match_key", "group"],
    )
    def test_every_lookup_raises(self, method):
        """Every lookup refuses an unknown id with a KeyError of the library."""
        with pytest.raises(UnknownCategoryError) as e:
            getattr(LAZADA_CATEGORIES, method)("no-such-thing")

        assert isinstance(e.value, KeyError)
        assert isinstance(e.value, EligibilityError)

    @pytest.mark.parametrize(
        ("category_id", "other"), [("mobile", "3c-digital"), ("mobiles", "3c")]
    )
    def test_is_within_raises(self, category_id, other):
        """is_within refuses an unknown id on either side."""
        with pytest.raises(UnknownCategoryError):
            LAZADA_CATEGORIES.is_within(category_id, other)

    def test_group_names_a_group(self):
        """group() refuses a category id."""
        with pytest.raises(UnknownCategoryError):
            LAZADA_CATEGORIES.group("mobiles")


class TestValidation:
    """Taxonomies that cannot be built, with every problem reported."""

    def test_all_problems_reported(self):
        """A bad tree lists every problem at once, each naming its entry."""
        with pytest.raises(ValidationError) as e:
            CategoryTaxonomy(
                [
                    Category(id="toys", name="Toys"),
                    Category(id="toys", name="Toys again"),
                    Category(id="dolls", name="Dolls", parent="toy", level=2),
                    Category(id="a", name="A", parent="b", level=2),
                    Category(id="b", name="B", parent="a", level=3),
                    Category(id="deep", name="Deep", parent="toys", level=3),
                    "not a category",  # type: ignore[list-item]
                ],
                {"toys": ["toys"], "odd": ["nothing"], "empty": []},
            )
        problems = {(p.path, p.message.split(";")[0]) for p in e.value.problems}

        assert {
            ("categories[6]", "must be a Category, got 'not a category'"),
            ("categories[1].id", "duplicate id 'toys', first at categories[0]"),
            ("categories[2].parent", "unknown parent 'toy'"),
            ("categories[3].parent", "cycle a -> b -> a"),
            ("categories[5].level", "must be 2, one below parent 'toys', got 3"),
            ("groups.toys", "id 'toys' is also a category id"),
            ("groups.odd.members", "unknown category 'nothing'"),
            ("groups.empty.members", "must not be empty"),
        } == problems

    def test_unknown_parent_suggests(self):
        """An unknown parent suggests the closest id."""
        with pytest.raises(ValidationError, match="did you mean 'toys'"):
            CategoryTaxonomy(
                [
                    Category(id="toys", name="Toys"),
                    Category(id="dolls", name="Dolls", parent="toy", level=2),
                ]
            )

    def test_bad_parent_and_group_ids(self):
        """Parent and group ids must be slugs too."""
        with pytest.raises(ValidationError, match="parent: must be a slug"):
            Category(id="dolls", name="Dolls", parent="Toys!", level=2)
        with pytest.raises(ValidationError, match=r"groups\.Toys: id must be a slug"):
            small_tree(Toys=["toys"])

    def test_group_member_not_a_string(self):
        """A member that is not a string is an unknown category."""
        with pytest.raises(ValidationError, match=r"unknown category 3$"):
            small_tree(a=[3])  # type: ignore[list-item]

    def test_top_level_in_one_group_only(self):
        """A top-level category in two groups would have two match keys."""
        with pytest.raises(ValidationError, match="already in group 'a'"):
            small_tree(a=["toys"], b=["toys", "books"])

    def test_group_members_not_a_string(self):
        """A group's members must be a collection, not one string."""
        with pytest.raises(ValidationError, match="list of category ids"):
            small_tree(a="toys")  # type: ignore[arg-type]

    def test_group_info_names_a_group(self):
        """Group info for a group that does not exist is refused."""
        with pytest.raises(ValidationError, match=r"group_info\.nope"):
            CategoryTaxonomy(small_tree(), group_info={"nope": {"name": "Nope"}})


class TestExtension:
    """Copies with more categories or groups."""

    def test_with_categories(self):
        """Added categories are looked up like the others; the original is unchanged."""
        ring = Category(id="smart-rings", name="Smart Rings", parent="gadgets", level=3)
        tree = LAZADA_CATEGORIES.with_categories(ring)

        assert ("3c-digital", 1145) == (tree.match_key("smart-rings"), len(tree))
        assert "smart-rings" not in LAZADA_CATEGORIES

    def test_with_categories_refuses_duplicates(self):
        """Adding an existing id is a validation error."""
        with pytest.raises(ValidationError, match="duplicate id 'mobiles'"):
            LAZADA_CATEGORIES.with_categories(
                Category(id="mobiles", name="Phones", parent="electronic-devices", level=2)
            )

    def test_with_groups(self):
        """Groups are added from a mapping and from keywords, and replace same-named ones."""
        tree = small_tree(a=["toys"]).with_groups({"paper-things": ["books"]}, a=["dolls"])

        assert {
            "a": frozenset({"dolls"}),
            "paper-things": frozenset({"books"}),
        } == dict(tree.groups)

    def test_with_group(self):
        """A group added with a name keeps it, and makes its top levels one."""
        tree = LAZADA_CATEGORIES.with_group(
            "fashion", ["womens-fashion", "mens-fashion"], name="Fashion", description="Clothes"
        )

        assert "Fashion" == tree.group_name("fashion")
        assert tree.match_key("womens-shoes") == tree.match_key("mens-shoes")
        assert {"name": "Fashion", "description": "Clothes"}.items() <= (
            tree.to_dict()["groups"]["fashion"].items()
        )


class TestSerialisation:
    """JSON documents, files, pickling and equality."""

    def test_round_trip(self):
        """to_dict and from_dict give back an equal taxonomy."""
        assert LAZADA_CATEGORIES == CategoryTaxonomy.from_dict(LAZADA_CATEGORIES.to_dict())

    def test_to_dict_is_the_data_file(self):
        """The default taxonomy dumps to exactly the data file's document."""
        assert json.loads(DATA.read_text(encoding="utf-8")) == LAZADA_CATEGORIES.to_dict()

    def test_from_file(self, tmp_path):
        """A taxonomy reads from a JSON file."""
        path = tmp_path / "tree.json"
        path.write_text(json.dumps(small_tree(a=["toys"]).to_dict()), encoding="utf-8")

        assert small_tree(a=["toys"]) == CategoryTaxonomy.from_file(path)

    def test_from_file_not_json(self, tmp_path):
        """A file that is not JSON is a validation error naming line and column."""
        path = tmp_path / "tree.json"
        path.write_text("{\n  oops", encoding="utf-8")

        with pytest.raises(ValidationError, match="line 2, column 3"):
            CategoryTaxonomy.from_file(path)

    def test_from_file_not_an_object(self, tmp_path):
        """A JSON file whose document is not an object is refused."""
        path = tmp_path / "tree.json"
        path.write_text("[]", encoding="utf-8")

        with pytest.raises(ValidationError, match="must be a JSON object"):
            CategoryTaxonomy.from_file(path)

    def test_bad_document_reports_everything(self):
        """A bad document names every bad entry by index and field."""
        with pytest.raises(ValidationError) as e:
            CategoryTaxonomy.from_dict(
                {
                    "source": 3,
                    "groups": {"g": {"members": "toys", "colour": "red"}, "h": ["nothing"]},
                    "categories": [
                        entry("toys"),
                        {"id": "dolls", "name": "Dolls", "parnet": "toys", "level": 2},
                        {**entry("books"), "level": "1"},
                        entry("toys"),
                        ["not", "an", "object"],
                        {"name": "Nameless"},
                        entry("Bad Slug"),
                    ],
                }
            )
        paths = [p.path for p in e.value.problems]

        assert [
            "categories[1].parnet",
            "categories[1].level",
            "categories[2].level",
            "categories[3].id",
            "categories[4]",
            "categories[5].id",
            "categories[5].level",
            "categories[6].id",
            "source",
            "groups.g.colour",
            "groups.g.members",
            "groups.h.members",
        ] == paths

    def test_categories_must_be_a_list(self):
        """A document without a category list is refused."""
        with pytest.raises(ValidationError, match="categories: must be a list"):
            CategoryTaxonomy.from_dict({"categories": {}})

    def test_short_group_form(self):
        """A group may be given as a plain list of members."""
        tree = CategoryTaxonomy.from_dict(
            {"categories": [entry("toys")], "groups": {"g": ["toys"]}}
        )

        assert frozenset({"toys"}) == tree.group("g")

    def test_pickle(self):
        """A taxonomy survives pickling, for parallel and Spark runs."""
        copy = pickle.loads(pickle.dumps(LAZADA_CATEGORIES))

        assert LAZADA_CATEGORIES == copy
        assert "3c-digital" == copy.match_key("audio")

    def test_hash_and_immutability(self):
        """Equal taxonomies hash equal, and attributes cannot be set."""
        assert hash(small_tree(a=["toys"])) == hash(small_tree(a=["toys"]))
        assert small_tree(a=["toys"]) != small_tree(a=["books"])
        with pytest.raises(AttributeError):
            LAZADA_CATEGORIES.source = "elsewhere"  # type: ignore[misc]


class TestCategoryMap:
    """Platform categories mapped to Lazada ids."""

    @pytest.mark.parametrize(
        ("family", "platform_category", "expected"),
        [
            ("aliexpress", "Computer & Office", "electronic-devices"),
            ("aliexpress", "7", "electronic-devices"),
            ("aliexpress", "Consumer Electronics", "electronic-devices"),
            ("aliexpress", "44", "electronic-devices"),
            ("aliexpress", "Cellphones & Telecommunications", "mobiles"),
            ("aliexpress", "509", "mobiles"),
            ("aliexpress", "Electronic Components & Supplies", "electronic-accessories"),
            ("aliexpress", "502", "electronic-accessories"),
            ("aliexpress", "Beauty & Health", "health-beauty"),
            ("aliexpress", "66", "health-beauty"),
            ("ebay", "Cameras & Photo", "cameras"),
            ("ebay", "Cell Phones & Accessories", "mobiles"),
            ("ebay", "Computers/Tablets & Networking", "electronic-devices"),
            ("ebay", "58058", "electronic-devices"),
            ("ebay", "Consumer Electronics", "electronic-devices"),
            ("ebay", "Video Games & Consoles", "gaming-consoles"),
            ("ebay", "Health & Beauty", "health-beauty"),
            ("amazon", "Electronics", "electronic-devices"),
            ("amazon", "Cell Phones & Accessories", "mobiles"),
            ("amazon", "Computers & Accessories", "electronic-devices"),
            ("amazon", "Video Games", "gaming-consoles"),
            ("amazon", "Beauty & Personal Care", "health-beauty"),
        ],
    )
    def test_default_entries(self, family, platform_category, expected):
        """The default map covers the top levels named in the research notes."""
        assert expected == DEFAULT_CATEGORY_MAP.lookup(family, platform_category)

    @pytest.mark.parametrize(
        ("family", "platform_category"),
        [
            ("AliExpress", "cellphones and telecommunications"),
            ("ALIEXPRESS", "  Cell-Phones &  Telecommunications "),
            ("Ali Express", "509"),
            ("aliexpress", "Cellphones, Telecommunications"),
        ],
    )
    def test_tolerant_matching(self, family, platform_category):
        """Case, spacing, punctuation and "and" do not matter."""
        assert "mobiles" == DEFAULT_CATEGORY_MAP.lookup(family, platform_category)

    @pytest.mark.parametrize(
        ("family", "platform_category"),
        [("amazon", "Garden"), ("shopify", "Electronics"), ("aliexpress", "")],
    )
    def test_unknown_is_none(self, family, platform_category):
        """An unknown family or category maps to nothing."""
        assert DEFAULT_CATEGORY_MAP.lookup(family, platform_category) is None

    def test_breadcrumb(self):
        """A breadcrumb maps by its deepest known part."""
        assert "mobiles" == DEFAULT_CATEGORY_MAP.lookup(
            "amazon", "Electronics \u203a Cell Phones & Accessories \u203a Cases"
        )
        assert "electronic-devices" == DEFAULT_CATEGORY_MAP.lookup(
            "amazon", "Electronics > Headphones"
        )

    def test_every_target_is_in_the_taxonomy(self):
        """Every Lazada id in the data file is a category of the default tree."""
        data = DEFAULT_CATEGORY_MAP.to_dict()
        targets = [e["lazada"] for es in data["families"].values() for e in es]

        assert [] == [t for t in targets if t not in LAZADA_CATEGORIES]
        assert {"aliexpress", "ebay", "amazon"} == set(DEFAULT_CATEGORY_MAP.families)

    def test_unknown_target_refused(self):
        """A target the taxonomy does not have is refused, with a suggestion."""
        with pytest.raises(ValidationError) as e:
            CategoryMap({"shop": {"Phones": "mobile", "Gizmos": "gizmos"}})

        assert ["shop['Phones'].lazada", "shop['Gizmos'].lazada"] == [
            p.path for p in e.value.problems
        ]
        assert "did you mean 'mobiles'" in e.value.problems[0].message

    def test_same_category_twice_refused(self):
        """Two entries for one platform category are refused."""
        with pytest.raises(ValidationError, match=r"same category as families\.shop\[0\]"):
            CategoryMap.from_dict(
                {
                    "families": {
                        "shop": [
                            {"category": "Phones", "ids": ["1"], "lazada": "mobiles"},
                            {"category": "phones!", "lazada": "tablets"},
                        ]
                    }
                }
            )

    def test_bad_document_reports_everything(self):
        """A bad map document names every bad entry by family, index and field."""
        with pytest.raises(ValidationError) as e:
            CategoryMap.from_dict(
                {
                    "source": None,
                    "families": {
                        "shop": [
                            {"category": "", "lazada": 5},
                            {"category": "Phones", "ids": "1", "lazada": "mobiles", "x": 1},
                            "Phones",
                        ],
                        "other": {},
                    },
                }
            )

        assert [
            "families.shop[0].category",
            "families.shop[0].lazada",
            "families.shop[1].x",
            "families.shop[1].ids",
            "families.shop[2]",
            "families.other",
        ] == [p.path for p in e.value.problems]

    def test_blank_family_refused(self):
        """A family needs a name."""
        with pytest.raises(ValidationError, match="family given twice or blank"):
            CategoryMap({" ": {"Phones": "mobiles"}})

    def test_custom_taxonomy(self):
        """Targets are checked against the taxonomy the map is given."""
        cmap = CategoryMap({"shop": {"Dolls": "dolls"}}, taxonomy=small_tree())

        assert "dolls" == cmap.lookup("shop", "dolls")

    def test_with_entries(self):
        """New entries replace the old ones for the same category, by name or id."""
        cmap = DEFAULT_CATEGORY_MAP.with_entries(
            "AliExpress", {"509": "mobile-accessories", "Toys & Hobbies": "babies-toys"}
        )

        assert "mobile-accessories" == cmap.lookup("aliexpress", "509")
        assert "mobiles" == cmap.lookup("aliexpress", "Cellphones & Telecommunications")
        assert "babies-toys" == cmap.lookup("aliexpress", "toys and hobbies")
        assert cmap.families == DEFAULT_CATEGORY_MAP.families
        assert cmap == CategoryMap.from_dict(cmap.to_dict())

    def test_with_entries_new_family(self):
        """Entries for a new family add the family."""
        cmap = DEFAULT_CATEGORY_MAP.with_entries("temu", {"Phones": "mobiles"})

        assert "mobiles" == cmap.lookup("Temu", "phones")

    def test_round_trip_and_pickle(self):
        """The default map survives to_dict/from_dict and pickling."""
        assert DEFAULT_CATEGORY_MAP == CategoryMap.from_dict(DEFAULT_CATEGORY_MAP.to_dict())
        copy = pickle.loads(pickle.dumps(DEFAULT_CATEGORY_MAP))
        assert DEFAULT_CATEGORY_MAP == copy


class TestBuildScript:
    """scripts/build_categories.py."""

    @pytest.mark.skipif(not RESEARCH.exists(), reason="research snapshot not present")
    def test_regenerates_data_file(self, tmp_path):
        """The script writes the committed data file byte for byte."""
        out = tmp_path / "categories.json"
        subprocess.run(
            [sys.executable, str(SCRIPT), str(RESEARCH), "-o", str(out)],
            check=True,
            capture_output=True,
        )

        assert DATA.read_bytes() == out.read_bytes()

    @pytest.mark.skipif(not RESEARCH.exists(), reason="research snapshot not present")
    def test_check_mode(self, tmp_path):
        """--check passes on the committed file and fails on a stale one."""
        stale = tmp_path / "categories.json"
        stale.write_text("{}\n", encoding="utf-8")
        script = load_script()

        assert 0 == script.main([str(RESEARCH), "-o", str(DATA), "--check"])
        assert 1 == script.main([str(RESEARCH), "-o", str(stale), "--check"])

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("Home Décor", "home-decor"),
            ("Women's Fashion & Accessories", "womens-fashion-accessories"),
            ("Fuels - Gasoline/Petrol, Diesel", "fuels-gasoline-petrol-diesel"),
            ("Growing-up Milk (3yrs +)", "growing-up-milk-3yrs"),
        ],
    )
    def test_slugify(self, name, expected):
        """Names fold to ASCII, drop & and apostrophes, and join words with dashes."""
        assert expected == load_script().slugify(name)

    def test_clashes(self):
        """Clashing slugs take their parent's slug, then the grandparent's."""
        research = {
            "source": "test",
            "categories": [
                {"id": "a", "name": "A", "level": 1, "parent": None},
                {"id": "b", "name": "B", "level": 1, "parent": None},
                {"id": "1", "name": "X", "level": 2, "parent": "a"},
                {"id": "2", "name": "X", "level": 2, "parent": "b"},
                {"id": "3", "name": "A", "level": 2, "parent": "b"},
                {"id": "4", "name": "Y", "level": 3, "parent": "1"},
                {"id": "5", "name": "Y", "level": 3, "parent": "1"},
            ],
        }

        document = load_script().build(research)

        assert ["a", "b", "a-x", "b-x", "b-a", "y-4", "y-5"] == [
            c["id"] for c in document["categories"]
        ]
        assert 7 == len(CategoryTaxonomy.from_dict({**document, "groups": {}}))


class TestProperties:
    """Laws that hold for every category of the default tree."""

    @given(category_ids)
    def test_within_own_top_level(self, category_id):
        """Every category is within its own top level and its match key."""
        top = LAZADA_CATEGORIES.top_level(category_id)

        assert 1 == top.level
        assert LAZADA_CATEGORIES.is_within(category_id, top.id)
        assert LAZADA_CATEGORIES.is_within(category_id, LAZADA_CATEGORIES.match_key(category_id))

    @given(category_ids, st.data())
    def test_within_is_transitive(self, category_id, data):
        """If a is within b and b within c, a is within c."""
        lineage = [category_id, *(c.id for c in LAZADA_CATEGORIES.ancestors(category_id))]
        middle = data.draw(st.sampled_from(lineage))
        upper = data.draw(
            st.sampled_from([middle, *(c.id for c in LAZADA_CATEGORIES.ancestors(middle))])
        )

        assert LAZADA_CATEGORIES.is_within(category_id, middle)
        assert LAZADA_CATEGORIES.is_within(middle, upper)
        assert LAZADA_CATEGORIES.is_within(category_id, upper)

    @given(category_ids, category_ids)
    def test_match_key_is_top_level_or_its_group(self, a, b):
        """Two categories share a match key exactly when their top levels are one."""
        top_a = LAZADA_CATEGORIES.top_level(a).id
        top_b = LAZADA_CATEGORIES.top_level(b).id
        same_group = bool(LAZADA_CATEGORIES.groups_of(top_a) & LAZADA_CATEGORIES.groups_of(top_b))

        assert (top_a == top_b or same_group) == (
            LAZADA_CATEGORIES.match_key(a) == LAZADA_CATEGORIES.match_key(b)
        )

    @given(category_ids)
    def test_find_finds_by_own_name(self, category_id):
        """Searching a category's own name finds it."""
        category = LAZADA_CATEGORIES.get(category_id)

        assert category in LAZADA_CATEGORIES.find(category.name)

    @given(st.lists(category_ids, max_size=40, unique=True))
    def test_subtree_round_trip(self, ids):
        """Any closed subset of the tree survives to_dict and from_dict."""
        keep = set(ids)
        for category_id in ids:
            keep.update(c.id for c in LAZADA_CATEGORIES.ancestors(category_id))
        tree = CategoryTaxonomy(c for c in LAZADA_CATEGORIES if c.id in keep)

        assert tree == CategoryTaxonomy.from_dict(tree.to_dict())
        assert len(keep) == len(tree)
