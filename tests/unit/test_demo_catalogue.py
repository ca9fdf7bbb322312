"""The shipped catalogue is the one a demo visitor browses: it must look like a real Dongguan hall."""
from collections import Counter

import pytest
import yaml

from kiosk.config import DEFAULT_CONFIG_DIR, load_config
from kiosk.hall.model import TicketKind

CATEGORIES = [("social", "社会民生类"), ("enterprise", "企业设立类"), ("construction", "工程建设类"),
              ("investment", "项目投资类"), ("police", "公安专项类"), ("tax", "税务专项类")]
CODE_PREFIX = {"social": "SM", "enterprise": "QY", "construction": "GC", "investment": "XM",
               "police": "GA", "tax": "SW"}


@pytest.fixture(scope="module")
def config():
    return load_config()


def test_six_categories_in_the_halls_order(config):
    assert [(c.code, c.name) for c in config.categories] == CATEGORIES
    assert all(c.name_en for c in config.categories)


def test_a_realistic_number_of_items_in_every_category(config):
    assert len(config.items) >= 120
    for cat in config.categories:
        assert len(cat.items) >= 12, cat.code


def test_codes_are_unique_and_follow_the_category(config):
    raw = yaml.safe_load((DEFAULT_CONFIG_DIR / "catalogue.yaml").read_text(encoding="utf-8"))
    codes = [item["code"] for cat in raw["categories"] for item in cat["items"]]
    assert len(codes) == len(set(codes)) == len(config.items)
    for cat in config.categories:
        for item in cat.items:
            assert item.code.startswith(CODE_PREFIX[cat.code]) and item.code[2:].isdigit(), item.code
            assert item.category == cat.code


def test_every_item_says_what_to_bring_and_which_ticket_to_take(config):
    for item in config.items.values():
        assert 2 <= len(item.materials) <= 5, item.code
        assert all(m.strip() for m in item.materials), item.code
        assert item.kinds and len(set(item.kinds)) == len(item.kinds), item.code


def test_names_are_unique_with_short_english(config):
    names = Counter(item.name for item in config.items.values())
    assert names.most_common(1)[0][1] == 1
    for item in config.items.values():
        assert item.name_en and item.name_en.isascii() and len(item.name_en) <= 50, item.code


def test_police_and_tax_items_go_to_their_own_departments(config):
    by_cat = {c.code: c.items for c in config.categories}
    assert {i.department for i in by_cat["police"]} == {"gaj"}
    assert {i.department for i in by_cat["tax"]} == {"swj"}
    assert {i.department for i in by_cat["investment"]} <= {"fgj", "sthj"}
    assert {i.department for i in by_cat["construction"]} <= {"zjj", "zrzy", "sthj"}


def by_name(config, name):
    return next(i for i in config.items.values() if i.name == name)


def test_documents_made_later_can_be_collected(config):
    for name in ["社会保障卡申领", "居民身份证申领", "往来港澳通行证申领", "营业执照变更登记",
                 "个体工商户设立登记", "不动产转移登记", "不动产权证书补证换证"]:
        assert TicketKind.PICKUP in by_name(config, name).kinds, name
    # Nothing to collect after a query or a registration with no certificate.
    for name in ["失业保险金申领", "住房公积金提取", "个人所得税综合所得汇算清缴"]:
        assert TicketKind.PICKUP not in by_name(config, name).kinds, name
    assert by_name(config, "婚姻登记预约咨询").kinds == [TicketKind.CONSULT]


def test_busy_items_are_capped_and_rare_ones_are_not(config):
    assert by_name(config, "社会保障卡申领").daily_cap
    assert by_name(config, "往来港澳通行证申领").daily_cap
    assert by_name(config, "养犬登记").daily_cap is None
    assert sum(1 for i in config.items.values() if i.daily_cap) < len(config.items) // 4


def test_items_the_brief_names_are_there_with_the_right_department(config):
    expected = {"社会保障卡申领": "rsj", "失业保险金申领": "rsj", "职工参保登记": "rsj",
                "城乡居民养老保险参保登记": "rsj", "住房公积金提取": "gjj", "生育津贴申领": "ybj",
                "婚姻登记预约咨询": "mzj", "最低生活保障申请": "mzj", "内资公司设立登记": "scjg",
                "个体工商户设立登记": "scjg", "食品经营许可": "scjg", "建设工程规划许可证核发": "zrzy",
                "建筑工程施工许可证核发": "zjj", "建设工程竣工验收备案": "zjj", "企业投资项目备案": "fgj",
                "固定资产投资项目节能审查": "fgj", "建设项目环境影响报告书审批": "sthj",
                "居民身份证申领": "gaj", "临时身份证明开具": "gaj", "往来港澳通行证签注": "gaj",
                "机动车驾驶证换证": "gaj", "增值税发票领用": "swj", "个人所得税综合所得汇算清缴": "swj",
                "房产交易契税申报": "swj"}
    for name, dept in expected.items():
        assert by_name(config, name).department == dept, name
