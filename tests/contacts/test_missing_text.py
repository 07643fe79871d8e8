from django.utils import translation

from contacts.quotas import Progress


def _progress():
    return Progress(
        deputy_id=1,
        name="艾丽丝",
        year=2026,
        # constituency contacts, centralized contacts, people reached, opinions reflected
        done=(2, 1, 22, 4),
        required=(4, 2, 40, 4),
        exempt=False,
        exemption_reason="",
        compliant=False,
        behind_pace=True,
    )


def test_the_missing_text_lists_what_is_missing_with_the_chinese_separator():
    with translation.override("zh-hans"):
        assert _progress().missing_text() == "还需进选区联系活动2次（其中集中联系1次）、联系群众18人次"


def test_the_missing_text_in_english_uses_an_english_list_separator():
    with translation.override("en"):
        text = _progress().missing_text()

    assert "、" not in text
    assert ", 18 person-times" in text
