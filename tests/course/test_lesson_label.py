"""How a trainer reads a self-check's lesson (``zhiben hub selfchecks`` and ``zhiben hub hours``)."""

from zhiben_training.lessons import lesson_label


def test_a_lesson_number_reads_as_its_lesson():
    assert lesson_label("03") == "第03课"


def test_the_practice_notebook_and_its_recorded_results_read_as_practice():
    assert lesson_label("08") == lesson_label("练习") == "模拟练习"
