from grader.checks import assert_close, points


@points(2)
def test_double_of_a_large_batch(submission, reference, rng):
    """double works on a large batch."""
    x = rng.normal(size=(256, 8))
    assert_close(submission.double(x), reference.double(x))
