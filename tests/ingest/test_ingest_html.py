"""Saved news pages from 12 outlets: body starts and ends where the story does, metadata found."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from briefing.errors import ExtractionError
from briefing.ingest import parse_bytes, read_file

from .ingest_builders import DATA

HTML = DATA / "html"


@dataclass(frozen=True)
class Page:
    name: str
    title: str
    date: str | None
    source: str | None
    language: str
    url: str | None
    first: str  # the story's first sentence starts the body
    last: str  # the story's last sentence ends the body
    absent: tuple[str, ...] = ()  # boilerplate that must be gone


PAGES = [
    Page("cnn_article", "After storm, forecasters see smooth sailing for Thanksgiving",
         "2013-11-27", "CNN", "en",
         "http://www.cnn.com/2013/11/27/travel/weather-thanksgiving/index.html",
         "The Pennsylvania official was just talking about one area",
         "We could've gone to the Bahamas for what we paid!\"",
         ("iReport", "contributed to this report", "Loading weather data", "(CNN) --")),
    Page("cleveland.com1",
         "Let me Google that for you: 2014's most popular food-related searches",
         "2014-12-27", "cleveland.com", "en",
         "http://www.cleveland.com/food/index.ssf/2014/12/let_me_google_that_for_you_201.html",
         "Chia seeds and goji berries are the new kale and quinoa",
         "The lesson, as always: you are what you search.", ("Follow @tdmrussell",)),
    Page("fox13now_001", "New Year, new laws: Obamacare, pot, guns and drones", "2013-12-30",
         "FOX 13 News Utah (KSTU)", "en",
         "https://www.fox13now.com/2013/12/30/new-year-new-laws-obamacare-pot-guns-and-drones",
         "Not everyone subscribes to a New Year’s resolution",
         "obtained from the National Conference of State Legislatures).",
         ("The-CNN-Wire", "All rights reserved", "contributed to this report", "(CNN) —")),
    Page("time_001",
         "We Need Geoengineering to Stop Out of Control Warming Says James Hansen",
         "2023-11-02", "TIME", "en",
         "https://time.com/6330957/james-hansen-climate-warning-geoengineering-study/",
         "James Hansen first warned Congress of the threat from climate change in 1988.",
         "agreed to by a broad swath of countries.”",
         ("More Must-Reads", "The Best Inventions of 2023", "Read more:")),
    Page("yna_co_kr", "N. Korea slams S. Korea for joint military drill, warns of consequences",
         "2019-08-20", "Yonhap News Agency", "en",
         "https://en.yna.co.kr/view/AEN20190820002300325",
         "North Korea's official newspaper blasted South Korea on Tuesday",
         "joint military exercise with Washington is over.", ("(END)", "@yna.co.kr", "(Yonhap)")),
    Page("autoindustria", "All-new 2020 Sentra is what we really want from Nissan PH",
         "2019-11-20", "AutoIndustriya.com", "en",
         "https://www.autoindustriya.com/auto-industry-news/"
         "all-new-2020-sentra-is-what-we-really-want-from-nissan-ph.html",
         "Crossovers may have become the vehicle of choice for most car buyers",
         "But will we still call it the Sylphy once it arrives here? Let's wait and see."),
    Page("latvian_article", "Norvēģijā pēc zemes nogruvuma pieci bojāgājušie", "2021-01-03",
         "LSM", "lv",
         "https://www.lsm.lv/raksts/zinas/arzemes/norvegija-pec-zemes-nogruvuma-pieci-bojagajusie"
         ".a387519/",
         "Naktī uz trešdienu Jerdrumas pašvaldības administratīvajā centrā Askā",
         "Bojāgājušo vidū ir arī kāda Lietuvas pilsone."),
    Page("spanish_article",
         "Anticorrupción decidirá en Madrid si recurre la imputación de la Infanta",
         "2014-01-09", "UHmallorca", "es",
         "http://ultimahora.es/mallorca/noticia/noticias/local/"
         "fiscalia-anticorrupcion-estudia-recurre-imputacion-infanta.html",
         "El fiscal Pedro Horrach está perfilando con el jefe de la Fiscalía Anticorrupción",
         "Ya lo hizo en abril, pero la Audiencia anuló su decisión.",
         ("Comentar", "comentarios", "Patricio Candia | Palma")),
    Page("chinese_article", "港特首梁振英就住宅违建事件道歉", "2012-12-10",
         "British Broadcasting Corporation", "zh", None,
         "香港行政长官梁振英在各方压力下就其大宅的违章建筑",
         "民主党此前计划在星期三（11日）对梁振英提出不信任动议。"),
    Page("chinese_article_001", "外国专家：中美合作共赢符合国际社会利益", "2023-11-17",
         "ChinaDailyApp", "zh",
         "https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html",
         "在美国旧金山举行的中美元首会晤吸引了全世界的目光。",
         "美方需要作出更令人放心的承诺，并采取更多令人安心的行动。", ("编辑",)),
    Page("video_article_02",
         "Faker wins 4th title as T1 embody Heartsteel's song to become your Worlds 2023 "
         "champion!", "2023-11-19", "ONE Esports", "en",
         "https://www.oneesports.gg/league-of-legends/t1-worlds-2023-champion/",
         "T1 are your Worlds 2023 champions!",
         "already glittering legacy in League of Legends esports history.",
         ("READ MORE", "affiliate links", "Follow ONE Esports")),
    Page("japanese_article2",
         "動画：ナイジェリアで少女らによる自爆攻撃、ロケット弾も撃ち込まれ31人死亡",
         "2018-06-18", "Afpbbcom", "ja", "http://www.afpbb.com/articles/-/3178894",
         "ナイジェリア北東部ボルノ（Borno）州で16日夜",
         "攻撃を行う意図と作戦能力を維持している」と指摘している。",
         ("このニュースをシェア", "(c)AFP", "【6月18日 AFP】")),
]


@pytest.fixture(scope="module")
def articles():
    return {p.name: read_file(HTML / f"{p.name}.html") for p in PAGES}


def test_at_least_ten_pages_from_different_outlets():
    assert len(PAGES) >= 10
    assert len({p.source for p in PAGES}) == len(PAGES)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_body_and_metadata(page: Page, articles):
    a = articles[page.name]
    assert a.format == "html"
    assert a.title == page.title
    assert a.date == page.date
    assert a.source == page.source
    assert a.language == page.language
    assert a.url == page.url
    assert a.text.startswith(page.first), a.text[:200]
    assert a.text.endswith(page.last), a.text[-200:]
    assert not a.text.startswith(a.title)
    for junk in page.absent:
        assert junk not in a.text
    for field in ("title", "date", "source", "language"):
        assert field in a.provenance
    if page.url:
        assert a.provenance["url"].startswith("html metadata")


def test_authors_from_page_metadata(articles):
    assert articles["time_001"].author == "Alejandro de la Garza"
    assert articles["autoindustria"].author == "Marcus De Guzman"
    # the outlet's name in the author list is not an author
    assert articles["cnn_article"].author is not None
    assert "CNN" not in articles["cnn_article"].author.split("; ")


def test_dateline_and_removed_lines_are_reported(articles):
    assert articles["yna_co_kr"].dateline == "Seoul"
    assert articles["fox13now_001"].dateline == "Washington"
    assert "SEOUL, Aug. 20 (Yonhap) --" in articles["yna_co_kr"].removed


def test_page_chrome_is_not_in_body():
    """A hand-written page with a cookie banner, menu, related links, comments and footer."""
    a = read_file(DATA / "synthetic_page_with_chrome.html")
    assert a.title == "Dam holds after storm"
    assert a.source == "The Gazette"
    assert a.author == "Ann Lee"
    assert a.date == "2024-03-05"
    assert a.url == "https://gazette.example/dam-holds"
    assert a.text.startswith("The old river dam held through the night")
    assert a.text.endswith("before residents may return.")
    for junk in ("cookies", "Home", "Related", "Flood warnings", "Great reporting", "Copyright"):
        assert junk not in a.text


def test_declared_charset_is_used():
    page = ("<html><head><meta charset='windows-1252'><title>Caf\u00e9 closes</title></head><body>"
            "<article><p>The caf\u00e9 on the corner closed on Friday after forty years, its owner "
            "said. \u201cIt was time,\u201d she told reporters outside.</p>"
            "<p>Customers left flowers at the door.</p></article></body></html>")
    a = parse_bytes(page.encode("cp1252"), ".html", "cafe.html")
    assert "caf\u00e9 on the corner" in a.text
    assert "\u201cIt was time,\u201d" in a.text


@pytest.mark.parametrize("content", [
    b"", b"just some words, no markup", b"<html><body></body></html>",
    b"<html><body><script>var x = 1;</script></body></html>",
])
def test_pages_without_article_text_raise_extraction_error(content):
    with pytest.raises(ExtractionError):
        parse_bytes(content, ".html", "empty.html")
