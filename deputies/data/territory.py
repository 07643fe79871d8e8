"""The territory of Songjiang District (松江区): the real 6 streets and 11 towns.

The residents' and village committees (居委会/村委会) under each are SAMPLE entries for the demo:
plausible names, not the official list. Codes are stable pinyin slugs; `seed_demo` and the tests key
on them, so do not rename a code once it is in use.
"""

DISTRICT = ("松江区", "songjiang")

# (name, code, a road for sample addresses, [(committee name, code suffix), ...])
STREETS = [
    (
        "岳阳街道",
        "yueyang",
        "中山中路",
        [("人乐居委会", "renle"), ("景德居委会", "jingde"), ("龙潭居委会", "longtan")],
    ),
    ("永丰街道", "yongfeng", "玉树路", [("玉华居委会", "yuhua"), ("仓丰居委会", "cangfeng")]),
    (
        "方松街道",
        "fangsong",
        "文诚路",
        [("东鼎居委会", "dongding"), ("新凯居委会", "xinkai"), ("绿洲居委会", "lvzhou")],
    ),
    ("中山街道", "zhongshan", "中山东路", [("茸北居委会", "rongbei"), ("白云居委会", "baiyun")]),
    ("广富林街道", "guangfulin", "广富林路", [("三新居委会", "sanxin"), ("富林居委会", "fulin")]),
    ("九里亭街道", "jiuliting", "沪亭北路", [("涞寅居委会", "laiyin"), ("亭源居委会", "tingyuan")]),
]

TOWNS = [
    (
        "泗泾镇",
        "sijing",
        "江川北路",
        [("江川居委会", "jiangchuan"), ("新南村委会", "xinnan"), ("横港村委会", "henggang")],
    ),
    (
        "佘山镇",
        "sheshan",
        "佘天昆公路",
        [("佘山居委会", "juwei"), ("天马村委会", "tianma"), ("横山村委会", "hengshan")],
    ),
    ("车墩镇", "chedun", "车亭公路", [("车墩居委会", "juwei"), ("华阳村委会", "huayang")]),
    ("新桥镇", "xinqiao", "新站路", [("新桥居委会", "juwei"), ("庙泾村委会", "miaojing")]),
    ("洞泾镇", "dongjing", "长兴东路", [("洞泾居委会", "juwei"), ("砖桥村委会", "zhuanqiao")]),
    (
        "九亭镇",
        "jiuting",
        "九亭大街",
        [("九亭居委会", "juwei"), ("涞坊居委会", "laifang"), ("久富村委会", "jiufu")],
    ),
    ("泖港镇", "maogang", "中南路", [("泖港居委会", "juwei"), ("胡光村委会", "huguang")]),
    ("石湖荡镇", "shihudang", "东夏路", [("石湖荡居委会", "juwei"), ("新姚村委会", "xinyao")]),
    ("新浜镇", "xinbang", "文华路", [("新浜居委会", "juwei"), ("胡家埭村委会", "hujiadai")]),
    ("叶榭镇", "yexie", "叶旺路", [("叶榭居委会", "juwei"), ("八字桥村委会", "baziqiao")]),
    ("小昆山镇", "xiaokunshan", "玉昆路", [("小昆山居委会", "juwei"), ("大港村委会", "dagang")]),
]

# Towns whose own town congress the demo seeds (towns have congresses, streets do not).
DEMO_TOWN_CONGRESSES = ["sijing", "jiuting"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
GIVEN_NAMES_FEMALE = [
    "丽华",
    "秀英",
    "慧敏",
    "雅琴",
    "晓燕",
    "静怡",
    "佳琪",
    "婷婷",
    "梦洁",
    "文静",
    "春梅",
    "玉兰",
    "海燕",
    "思琪",
    "若兰",
    "欣怡",
    "美玲",
    "红霞",
    "晨曦",
    "一帆",
]
GIVEN_NAMES_MALE = [
    "建国",
    "志强",
    "海峰",
    "伟民",
    "国华",
    "振宇",
    "立新",
    "明辉",
    "浩然",
    "俊杰",
    "卫东",
    "永康",
    "德明",
    "家豪",
    "子轩",
    "文博",
    "晓东",
    "建军",
    "宏伟",
    "天翔",
]

# (work unit template, position, field); {area} is the street or town.
WORK_UNITS = [
    ("{area}社区卫生服务中心", "主任", "卫生"),
    ("上海市松江区第二中学", "教师", "教育"),
    ("{area}社区事务受理服务中心", "科长", "民政、社会保障"),
    ("上海松江某建设工程有限公司", "项目经理", "城建、交通"),
    ("{area}某科技有限公司", "工程师", "科技"),
    ("{area}综合行政执法队", "队员", "城市管理"),
    ("上海松江某食品有限公司", "质量部经理", "市场监管"),
    ("{area}某小学", "校长", "教育"),
    ("松江区某环境服务有限公司", "技术员", "生态环境"),
    ("{area}某养老院", "院长", "民政、社会保障"),
    ("上海松江某律师事务所", "律师", "法治"),
    ("{area}某农业专业合作社", "理事长", "农业农村"),
]


def official_codes() -> list[str]:
    """The codes of the streets, then the towns, in the official order (the order of the lists
    above, as the district lists them)."""
    return [row[1] for row in STREETS] + [row[1] for row in TOWNS]


def official_position(name: str) -> int:
    """A street's or town's place in the official order by its name (after all of them if unknown);
    for sorting rows that carry only the name, without a query."""
    names = [row[0] for row in STREETS] + [row[0] for row in TOWNS]
    return names.index(name) if name in names else len(names)
