from grader.checks import assert_close, points


@points(1)
def test_double(submission, reference, rng):
    """double matches the reference.

    zh-TW: double 與參考答案一致
    """
    x = rng.normal(size=(3, 4))
    assert_close(submission.double(x), reference.double(x))


@points(1)
def test_total(submission, reference, rng):
    """total matches the reference."""
    x = rng.normal(size=(5,))
    assert_close(submission.total(x), reference.total(x))


@points(1)
def test_counter(submission):
    """a counter object keeps its state in the worker."""
    counter = submission.make_counter(5)
    assert counter.add(2) == 7
    assert_close(counter.add(3), 10.0)
