"""Catalogue search as a citizen types it: Chinese, everyday words, pinyin initials, full pinyin,
codes; best matches first."""
import pytest

from kiosk.catalogue import Catalogue, aliases, readings
from kiosk.config import Category, ServiceItem, load_config


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue(load_config().categories)


def names(items):
    return [i.name for i in items]


def small(*items):
    """A one-category catalogue from (code, name[, name_en]) tuples, in that order."""
    return Catalogue([Category(code="t", name="测试", items=[
        ServiceItem(code=code, name=name, name_en=(en[0] if en else ""), department="rsj")
        for code, name, *en in items])])


# ------------------------------------------------------------ what a citizen types
def test_sbk_puts_social_security_card_application_first(catalogue):
    found = names(catalogue.search("sbk"))
    assert found[0] == "社会保障卡申领"
    assert set(found) == {"社会保障卡申领", "社会保障卡补换领", "社会保障卡挂失"}


def test_initials_ignore_case_full_width_and_spaces(catalogue):
    expected = names(catalogue.search("sbk"))
    for typed in ["SBK", "ＳＢＫ", " s b k ", "s\u3000bk"]:
        assert names(catalogue.search(typed)) == expected, typed


def test_initials_anywhere_in_the_name(catalogue):
    # 住房公积金提取: gjj starts at the third character.
    found = names(catalogue.search("gjj"))
    assert "住房公积金提取" in found and all("公积金" in n for n in found)


def test_chinese_substring(catalogue):
    assert "社会保障卡申领" in names(catalogue.search("保障卡"))
    found = names(catalogue.search("港澳"))
    assert found == ["往来港澳通行证申领", "往来港澳通行证签注"]
    assert all("营业执照" in n for n in names(catalogue.search("营业执照")))


def test_everyday_words_find_official_names(catalogue):
    assert names(catalogue.search("社保卡"))[0] == "社会保障卡申领"
    assert names(catalogue.search("低保")) == ["最低生活保障申请"]
    assert set(names(catalogue.search("驾照"))) == {"机动车驾驶证换证", "机动车驾驶证补领"}
    assert "建设项目环境影响报告书审批" in names(catalogue.search("环评"))
    assert "城乡居民医疗保险参保登记" in names(catalogue.search("医保"))


def test_full_pinyin_without_tones(catalogue):
    assert set(names(catalogue.search("shehuibaozhangka"))) == {"社会保障卡申领", "社会保障卡补换领",
                                                                "社会保障卡挂失"}
    # 社保 is what people say, so shebao finds the card too.
    assert names(catalogue.search("shebao"))[0] == "社会保障卡申领"
    found = names(catalogue.search("gongjijin"))
    assert found and all("公积金" in n for n in found)


def test_half_typed_last_syllable(catalogue):
    # Every keystroke on the way to shehuibaozhangka keeps the card at the top.
    for end in range(len("shehuib"), len("shehuibaozhangka") + 1):
        assert names(catalogue.search("shehuibaozhangka"[:end]))[0] == "社会保障卡申领"


def test_any_prefix_of_each_syllable_only_when_nothing_better(catalogue):
    assert names(catalogue.search("shbzk"))[0] == "社会保障卡申领"
    # shen-bao (参保) would also fit "she"+"bao", but full pinyin found 社保 items: no noise.
    assert "职工参保登记" not in names(catalogue.search("shebao"))


def test_either_reading_of_a_heteronym(catalogue):
    hotel = "旅馆业特种行业许可证核发"
    assert hotel in names(catalogue.search("tezhonghangye"))    # the reading in 行业
    assert hotel in names(catalogue.search("tezhongxingye"))    # the everyday reading of 行
    assert hotel in names(catalogue.search("tzhy"))
    disability = "困难残疾人生活补贴和重度残疾人护理补贴申请"
    assert disability in names(catalogue.search("zhongdu"))
    assert disability in names(catalogue.search("chongdu"))


def test_heteronyms_in_a_small_catalogue():
    cat = small(("T1", "银行开户"), ("T2", "长期居住登记"))
    for typed in ["yinhang", "yinxing", "yh"]:
        assert names(cat.search(typed)) == ["银行开户"], typed
    for typed in ["changqi", "zhangqi", "cq", "zq"]:
        assert names(cat.search(typed)) == ["长期居住登记"], typed
    assert "hang" in readings("行") and "xing" in readings("行")


def test_u_umlaut_typed_as_v_or_u(catalogue):
    assert "旅馆业特种行业许可证核发" in names(catalogue.search("lvguan"))
    assert "旅馆业特种行业许可证核发" in names(catalogue.search("luguan"))


def test_codes(catalogue):
    assert names(catalogue.search("SM001"))[0] == "社会保障卡申领"
    assert names(catalogue.search("sm001"))[0] == "社会保障卡申领"
    assert [i.code for i in catalogue.search("GA01")][:10] == [f"GA{n:03d}" for n in range(10, 20)]


def test_letters_alone_are_pinyin_not_a_code_prefix(catalogue):
    # "sm" must not list every social item just because their codes start with SM.
    assert "社会保障卡申领" not in names(catalogue.search("sm"))


def test_english_names_for_the_english_screens(catalogue):
    assert names(catalogue.search("passport")) == ["普通护照申领"]
    assert names(catalogue.search("Social security card"))[0] == "社会保障卡申领"
    assert catalogue.search("ssport") == []    # only from the start of a word


# ------------------------------------------------------------ ranking
def test_exact_then_prefix_then_substring_whatever_the_catalogue_order():
    cat = small(("T1", "补办社会保障卡"), ("T2", "社会保障卡申领"), ("T3", "社会保障"), ("T4", "社会保障卡补领"))
    assert names(cat.search("社会保障")) == ["社会保障", "社会保障卡申领", "社会保障卡补领", "补办社会保障卡"]


def test_code_then_initials_then_full_pinyin_then_english():
    cat = small(("T1", "申请材料", "Application"),     # she(n): full pinyin, half-typed
                ("T2", "社会事务", "Social affairs"),   # s-h: initials
                ("SH", "窗口咨询", "Enquiries"),         # code SH: exact
                ("T4", "避难场所", "Shelter"))           # only the English name starts with sh
    assert [i.code for i in cat.search("sh")] == ["SH", "T2", "T1", "T4"]


def test_ties_keep_catalogue_order(catalogue):
    found = [i.code for i in catalogue.search("登记")]
    assert len(found) > 10
    # All of these contain 登记 without starting with it: one tier, so in catalogue order.
    order = [i.code for i in catalogue.items]
    assert found == sorted(found, key=order.index)


# ------------------------------------------------------------ limits and edges
def test_limit(catalogue):
    assert len(catalogue.search("s")) == 30
    assert len(catalogue.search("s", limit=5)) == 5
    assert catalogue.search("s", limit=5) == catalogue.search("s")[:5]
    assert catalogue.search("s", limit=0) == []


@pytest.mark.parametrize("typed", ["", "   ", "\u3000", "\t\n"])
def test_empty_query_finds_nothing(catalogue, typed):
    assert catalogue.search(typed) == []


def test_nothing_matches(catalogue):
    assert catalogue.search("不存在的事项") == []
    assert catalogue.search("xqxqxq") == []
    assert catalogue.search("a" * 200) == []


def test_aliases():
    assert "社保卡申领" in aliases("社会保障卡申领")
    assert aliases("养犬登记") == []


# ------------------------------------------------------------ browsing
def test_items_in_a_category_and_by_code(catalogue):
    police = catalogue.items_in("police")
    assert police and all(i.department == "gaj" and i.code.startswith("GA") for i in police)
    assert catalogue.item("GA012").name == "往来港澳通行证申领"
    assert [c.code for c in catalogue.categories][0] == "social"
    with pytest.raises(KeyError):
        catalogue.item("ZZ999")
    with pytest.raises(KeyError):
        catalogue.items_in("nope")


def test_duplicate_codes_are_refused():
    with pytest.raises(ValueError, match="T1"):
        small(("T1", "甲"), ("T1", "乙"))
