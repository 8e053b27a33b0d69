from briefing.summarize.cache import SummaryCache
from briefing.summarize.runner import summarize_all
from briefing.types import Article, Summary, SummarySentence, text_id


def article(text: str, path: str = "a.txt") -> Article:
    return Article(id=text_id(text), path=path, text=text)


class CountingSummarizer:
    name = "counting"
    cache_key = "counting-v1"

    def __init__(self, fail_on: str | None = None) -> None:
        self.seen: list[str] = []
        self.fail_on = fail_on

    def summarize(self, articles):
        self.seen.extend(a.id for a in articles)
        if any(self.fail_on and self.fail_on in a.text for a in articles):
            raise RuntimeError("model exploded")
        return [Summary(a.id, [SummarySentence(a.text.split(".")[0] + ".", [0])], self.name)
                for a in articles]


def test_cache_hit_skips_the_model(tmp_path):
    cache = SummaryCache(tmp_path)
    arts = [article("Alpha happened today. More."), article("Beta happened too. More.", "b.txt")]
    first = CountingSummarizer()
    done, skipped = summarize_all(first, arts, cache=cache)
    assert len(done) == 2 and not skipped and len(first.seen) == 2
    second = CountingSummarizer()
    again, _ = summarize_all(second, arts, cache=cache)
    assert second.seen == []  # the model was not called
    assert {k: v.text for k, v in again.items()} == {k: v.text for k, v in done.items()}


def test_changed_key_misses(tmp_path):
    cache = SummaryCache(tmp_path)
    arts = [article("Gamma happened today. More.")]
    summarize_all(CountingSummarizer(), arts, cache=cache)
    other = CountingSummarizer()
    other.cache_key = "counting-v2"
    summarize_all(other, arts, cache=cache)
    assert other.seen == [arts[0].id]


def test_one_failing_article_does_not_cost_the_batch(tmp_path):
    arts = [article(f"Story {i} happened. More.", f"{i}.txt") for i in range(5)]
    arts.append(article("Poison pill story. More.", "bad.txt"))
    done, skipped = summarize_all(CountingSummarizer(fail_on="Poison"), arts,
                                  cache=SummaryCache(tmp_path), batch_size=8)
    assert len(done) == 5
    assert [s.path for s in skipped] == ["bad.txt"]
    assert "model exploded" in skipped[0].reason


def test_pipeline_key_is_the_summarizers_key(fake_generator):
    """The CLI computes the cache key before loading the model; it must be the key the
    summariser itself uses, or the two paths would never share cache entries."""
    from briefing.models.load import ModelSource
    from briefing.pipeline import summary_cache_key
    from briefing.settings import Settings
    from briefing.summarize import make_summarizer

    src = ModelSource(spec="x.gguf", kind="gguf", path=None, model_id="x-123")
    for length, style, reads in [("short", "prose", None), ("long", "bullets", None),
                                 ("medium", "prose", 0), ("medium", "prose", 4)]:
        settings = Settings(length=length, style=style, backend="fake", key_sentences=reads)
        made = make_summarizer(src, length=length, style=style, key_sentences=reads,
                               generator=fake_generator)
        assert made.cache_key == summary_cache_key(settings, src)
    other = summary_cache_key(Settings(length="long", style="prose", backend="fake"), src)
    assert other != summary_cache_key(Settings(length="short", style="prose", backend="fake"),
                                      src)
    extractive = ModelSource(spec="extractive", kind="extractive", path=None,
                             model_id="extractive")
    for length in ("short", "medium", "long"):
        made = make_summarizer(extractive, length=length)
        assert made.cache_key == summary_cache_key(Settings(length=length), extractive)
