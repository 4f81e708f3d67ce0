"""Paragraphs of typed text, each in its own direction, escaped."""

from core.text import directed_paragraphs, text_direction

ARABIC = "تعمل البلديات على إنارة الشوارع."


def test_each_paragraph_takes_the_direction_of_its_first_strong_letter():
    html = directed_paragraphs(f"2022: Kenya adopted a law.\n\n{ARABIC}\nسطر ثان\n\n\n12 345")
    assert html == (
        '<p dir="ltr">2022: Kenya adopted a law.</p>\n\n'
        f'<p dir="rtl">{ARABIC}<br>سطر ثان</p>\n\n'
        '<p dir="ltr">12 345</p>'  # no strong letter: the default
    )
    assert directed_paragraphs("١٢٣", default="rtl") == '<p dir="rtl">١٢٣</p>'


def test_typed_markup_is_escaped_and_the_browser_may_decide():
    html = directed_paragraphs('<img src="file:///etc/passwd">\r\nok', default="auto")
    assert html == '<p dir="auto">&lt;img src=&quot;file:///etc/passwd&quot;&gt;<br>ok</p>'


def test_text_direction_follows_the_first_strong_character():
    assert text_direction("«" + ARABIC) == "rtl"
    assert text_direction("123 Nairobi " + ARABIC) == "ltr"
    assert text_direction("123", default="rtl") == "rtl"
