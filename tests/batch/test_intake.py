"""Finding the submissions in a batch folder: layouts, file-to-exercise matching, safe zips,
encodings, notebooks. Nothing here grades; every fixture is generated in tmp_path."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
from pathlib import Path

import pytest

from grader import catalog, intake
from grader.catalog import Exercise
from grader.gradebook import WHOLE_UPLOAD
from grader.intake import UploadProblem
from tests.conftest import REPO
from tests.exercises._solutions import solution_source

EXERCISES = catalog.all_exercises(REPO / "exercises")
LOSSES = "def mse(y_pred, y_true):\n    return 0.0\n\n\ndef mse_grad(y_pred, y_true):\n    pass\n"
ACTIVATIONS = ("def sigmoid_forward(x):\n    pass\n\n\n"
               "def sigmoid_backward(dout, cache):\n    pass\n")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def a_zip(members: dict[str, str | bytes], **options) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, **options) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def notebook(*cells: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "source": c, "metadata": {},
                                  "outputs": [], "execution_count": None} for c in cells],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def collect(tmp_path):
    """collect(folder) -> (Intake, {(student, exercise): Submission}, {(student, ex): Problem})"""
    def run(folder: Path):
        found = intake.collect(folder, EXERCISES, tmp_path / "scratch")
        subs = {(s.student, s.exercise.code): s for s in found.submissions}
        problems = {(p.student, p.exercise): p for p in found.problems}
        return found, subs, problems
    return run


def english(problem) -> str:
    return problem.render("en")


# -- layouts -----------------------------------------------------------------------------


def test_a_folder_per_student_with_several_exercises(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "ana" / "losses.py", LOSSES)
    write(folder / "ana" / "deep" / "02_activations.ipynb", notebook(ACTIVATIONS))
    write(folder / "bo" / "activations.py", ACTIVATIONS)
    found, subs, problems = collect(folder)
    assert set(subs) == {("ana", "01"), ("ana", "02"), ("bo", "02")}
    assert found.students == ("ana", "bo") and not problems
    assert subs["ana", "01"].source == "ana/losses.py"
    assert subs["ana", "01"].content_hash == sha(LOSSES.encode())
    assert subs["ana", "02"].path.suffix == ".ipynb"


def test_a_zip_per_student_skips_macos_litter_and_its_single_top_folder(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "bo.zip", a_zip({"bo_hw/losses.py": LOSSES, "bo_hw/.DS_Store": b"\0",
                                    "__MACOSX/bo_hw/._losses.py": b"\0\5junk"}))
    _, subs, problems = collect(folder)
    assert list(subs) == [("bo", "01")] and not problems
    assert subs["bo", "01"].source == "bo.zip:losses.py"
    assert subs["bo", "01"].path.read_text(encoding="utf-8") == LOSSES


def test_a_file_per_student_and_other_files_ignored(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "cy.ipynb", notebook(LOSSES))
    write(folder / "roster.csv", "name\ncy\n")
    found, subs, _ = collect(folder)
    assert list(subs) == [("cy", "01")] and found.ignored == ("roster.csv",)


GRADESCOPE = """\
submission_101:
  :submitters:
  - :name: Ana Lee
    :sid: '1001'
    :email: ana@example.edu
  :created_at: 2024-03-01 10:00:00.000000000 +08:00
  :score: 3.0
  :history: []
submission_102:
  :submitters:
  - :name: "陳小明"
    :sid: '1002'
    :email: ming@example.edu
  - :name: O'Hara Bo
    :sid: ''
    :email: bo@example.edu
  :status: processed
"""


def test_gradescope_metadata_is_read_without_a_yaml_library():
    found = intake.parse_gradescope_metadata(GRADESCOPE)
    assert found == {
        "submission_101": [{"name": "Ana Lee", "sid": "1001", "email": "ana@example.edu"}],
        "submission_102": [{"name": "陳小明", "sid": "1002", "email": "ming@example.edu"},
                           {"name": "O'Hara Bo", "sid": "", "email": "bo@example.edu"}]}


def test_a_gradescope_export_names_its_students_and_a_group_is_graded_for_each(tmp_path,
                                                                                collect):
    export = tmp_path / "subs" / "assignment_7_export"  # as the export's zip unpacks
    write(export / "submission_metadata.yml", GRADESCOPE)
    write(export / "submission_101" / "losses.py", LOSSES)
    write(export / "submission_102" / "activations.py", ACTIVATIONS)
    write(export / "submission_103" / "losses.py", LOSSES)  # not in the metadata
    _, subs, _ = collect(tmp_path / "subs")
    assert set(subs) == {("Ana Lee_1001", "01"), ("陳小明_1002", "02"),
                         ("O'Hara Bo_bo@example.edu", "02"), ("submission_103", "01")}
    assert subs["Ana Lee_1001", "01"].source == "assignment_7_export/submission_101/losses.py"


@pytest.mark.parametrize("name, expected", [
    ("lastname_firstname_12345_67890_losses.py", ("lastname_firstname_12345", "losses.py", False)),
    ("leebob_late_340934_208490284_hw_01.ipynb", ("leebob_340934", "hw_01.ipynb", True)),
    ("smith_12_34_56_x.py", ("smith_12", "56_x.py", False)),
    ("losses.py", None),
])
def test_canvas_file_names(name, expected):
    assert intake.canvas_name(name) == expected


def test_a_canvas_download_groups_files_by_student(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "leebob_123_456_losses.py", LOSSES)
    write(folder / "leebob_123_457_activations-1.py", ACTIVATIONS)  # a re-upload
    write(folder / "smithann_late_124_458_work.zip", a_zip({"losses.py": LOSSES}))
    write(folder / "smithann_late_124_459_report.pdf", b"%PDF")
    write(folder / "wucy_125_460_report.pdf", b"%PDF")
    found, subs, problems = collect(folder)
    assert set(subs) == {("leebob_123", "01"), ("leebob_123", "02"), ("smithann_124", "01")}
    assert list(problems) == [("wucy_125", WHOLE_UPLOAD)]  # only a PDF: nothing to grade
    assert found.students == ("leebob_123", "smithann_124", "wucy_125") and not found.ignored


def test_a_moodle_download_in_folders_or_flat(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "Ana Lee_77_assignsubmission_file_" / "losses.py", LOSSES)
    write(folder / "Ana Lee_77_assignsubmission_onlinetext_" / "onlinetext.html", "<p>hi</p>")
    write(folder / "Bo Chen_78_assignsubmission_file_hw02.py", ACTIVATIONS)
    _, subs, problems = collect(folder)
    assert set(subs) == {("Ana Lee_77", "01"), ("Bo Chen_78", "02")} and not problems


# -- which exercise ------------------------------------------------------------------------


@pytest.mark.parametrize("name, rank, code", [
    ("losses.py", 0, "01"), ("Losses.ipynb", 0, "01"), ("losses-1.py", 0, "01"),
    ("my_losses.py", 1, "01"), ("01_loss_functions.ipynb", 1, "01"),
    ("losses_v2.py", 1, "01"), ("hw01.py", 2, "01"), ("Exercise 2.py", 2, "02"),
    ("ana_hw-2.py", 2, "02"), ("02.ipynb", 2, "02"), ("作業01.py", 2, "01"),
])
def test_a_file_name_names_its_exercise(name, rank, code):
    found_rank, exercise = intake.match_by_name(name, EXERCISES)
    assert (found_rank, exercise.code) == (rank, code)


@pytest.mark.parametrize("name", ["notes.py", "example2.py", "index3.py", "hw.py", "v1.py"])
def test_other_names_name_no_exercise(name):
    assert intake.match_by_name(name, EXERCISES) is None


def test_the_functions_defined_decide_when_the_name_does_not():
    assert [e.code for e in intake.match_by_content(LOSSES, EXERCISES)] == ["01"]
    assert [e.code for e in intake.match_by_content(ACTIVATIONS, EXERCISES)] == ["02"]
    # one file solving both: 15 functions of 01 beat 12 of 02
    assert [e.code for e in intake.match_by_content(solution_source(), EXERCISES)] == ["01"]
    broken = "def mse(a, b):\n    return (a - b\n\ndef mse_grad(a, b):\n    pass\n"
    assert [e.code for e in intake.match_by_content(broken, EXERCISES)] == ["01"]
    assert intake.match_by_content("import numpy as np\nx = 1\n", EXERCISES) == []


def test_a_tie_between_exercises_is_a_problem_naming_both(tmp_path):
    twins = [Exercise(number=n, slug=f"twin{n}", folder=tmp_path, title={}, stub=f"twin{n}.py",
                      reference="x", functions=("f", "g")) for n in (1, 2)]
    upload = intake.Upload("ana", "ana", [intake.StudentFile("work.py", b"def f(): pass\n",
                                                             "ana/work.py")])
    subs, (problem,) = intake.student_submissions(upload, twins, tmp_path)
    assert not subs and problem.exercise == WHOLE_UPLOAD
    assert "exercises 01, 02" in english(problem) and "twin1.py, twin2.py" in english(problem)


def test_of_two_files_for_one_exercise_the_stub_named_py_is_graded(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "ana" / "losses.ipynb", notebook(LOSSES))
    write(folder / "ana" / "losses.py", LOSSES)
    write(folder / "ana" / "scratch.py", LOSSES)
    _, subs, _ = collect(folder)
    (sub,) = subs.values()
    assert sub.source == "ana/losses.py"
    assert "ana/losses.ipynb, ana/scratch.py" in sub.notes[0].render("en")
    assert sub.content_hash != sha(LOSSES.encode())  # all three files: changing any re-grades


def test_an_upload_without_any_exercise_is_one_problem(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "ana" / "helpers.py", "import numpy\n")
    write(folder / "ana" / "README.txt", "see attached")
    _, subs, problems = collect(folder)
    assert not subs
    text = english(problems["ana", WHOLE_UPLOAD])
    assert "helpers.py" in text and "losses.py" in text


# -- zips ------------------------------------------------------------------------------------


def zip_problem(data: bytes) -> str:
    with pytest.raises(UploadProblem) as caught:
        intake.read_zip(data, "ana.zip")
    return caught.value.text.render("en")


def test_a_member_that_escapes_the_folder_refuses_the_zip(tmp_path):
    assert "../evil.py" in zip_problem(a_zip({"losses.py": LOSSES, "../evil.py": "x = 1"}))
    assert "/tmp/abs.py" in zip_problem(a_zip({"/tmp/abs.py": "x = 1"}))
    assert "C:\\x.py" in zip_problem(a_zip({"C:\\x.py": "x = 1"}))
    assert "hw\\..\\..\\x.py" in zip_problem(a_zip({"hw\\..\\..\\x.py": "x = 1"}))


def test_a_symlink_member_refuses_the_zip():
    link = zipfile.ZipInfo("losses.py")
    link.create_system = 3  # Unix
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(link, "/work/main/reference/losses.py")
    assert "symbolic link" in zip_problem(buffer.getvalue())


def test_empty_truncated_and_corrupt_zips_are_problems():
    assert "empty" in zip_problem(a_zip({}))
    assert "empty" in zip_problem(a_zip({"__MACOSX/._x": b"\0", "hw/": b"", ".DS_Store": b""}))
    whole = a_zip({"losses.py": LOSSES * 50})
    assert "could not be opened" in zip_problem(whole[:len(whole) // 2])
    assert "could not be opened" in zip_problem(b"PK\3\4 not really a zip")
    corrupt = bytearray(whole)
    corrupt[60] ^= 0xFF  # inside the member's compressed data: a CRC or inflate error
    assert "could not be opened" in zip_problem(bytes(corrupt))


def test_a_zip_bomb_is_refused_before_anything_is_extracted():
    bomb = a_zip({"losses.py": LOSSES, "data.npy": b"\0" * (4 * 2**20)})  # 4 MB in ~4 kB
    assert "compressed" in zip_problem(bomb) and "zip bomb" in zip_problem(bomb)
    many = a_zip({f"f{i}.py": "" for i in range(intake.MAX_ZIP_MEMBERS + 1)})
    assert "2001 entries" in zip_problem(many)


def test_a_zip_too_large_when_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(intake.reading, "MAX_ZIP_BYTES", 2000)
    text = zip_problem(a_zip({"losses.py": LOSSES * 30}, compresslevel=9))
    assert "would unpack to" in text


def test_a_password_protected_member_is_refused():
    data = bytearray(a_zip({"losses.py": LOSSES}))
    for offset in (6, data.rfind(b"PK\1\2") + 8):  # the flag bits, local and central headers
        data[offset] |= 0x1
    assert "password" in zip_problem(bytes(data))


def test_a_zip_inside_a_zip_is_read_one_level_deep():
    inner = a_zip({"losses.py": LOSSES})
    files = intake.read_zip(a_zip({"hw/work.zip": inner, "hw/readme.md": "hi"}), "ana.zip")
    assert [(f.name, f.source) for f in files] == [("work.zip/losses.py",
                                                    "ana.zip:work.zip:losses.py")]


def test_a_bad_zip_is_a_problem_of_its_student_and_the_others_go_on(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "ana.zip", b"not a zip at all")
    write(folder / "bo.zip", a_zip({"../../escape.py": LOSSES}))
    write(folder / "cy.zip", a_zip({"losses.py": LOSSES}))
    found, subs, problems = collect(folder)
    assert list(subs) == [("cy", "01")]
    assert set(problems) == {("ana", WHOLE_UPLOAD), ("bo", WHOLE_UPLOAD)}
    assert len(problems["ana", WHOLE_UPLOAD].content_hash) == 64
    assert not (tmp_path / "escape.py").exists() and not (folder / "escape.py").exists()
    assert found.students == ("ana", "bo", "cy")


def test_links_in_a_student_folder_are_reported_and_not_followed(tmp_path, collect):
    folder = tmp_path / "subs"
    secret = write(tmp_path / "reference_losses.py", LOSSES)
    (folder / "ana").mkdir(parents=True)
    (folder / "ana" / "losses.py").symlink_to(secret)
    (folder / "ana" / "more").symlink_to(tmp_path)
    _, subs, problems = collect(folder)
    assert not subs
    text = english(problems["ana", WHOLE_UPLOAD])
    assert "ana/losses.py is a symbolic link" in text and "ana/more is a symbolic link" in text


# -- encodings and notebooks -------------------------------------------------------------------


def test_utf8_with_a_bom_is_accepted_without_a_note():
    text, notes = intake.decode_source(b"\xef\xbb\xbf" + "x = '中文'\n".encode(), "a.py")
    assert text == "x = '中文'\n" and notes == ()


def test_big5_is_converted_with_a_note():
    source = "# 損失函數\ndef mse(y_pred, y_true):\n    return 0.0  # 平均平方誤差\n"
    text, (note,) = intake.decode_source(source.encode("cp950"), "ana/losses.py")
    assert text == source
    assert "Big5" in note.render("en") and "ana/losses.py" in note.render("en")


def test_a_declared_encoding_is_honoured_and_rewritten_as_utf8():
    source = "# -*- coding: latin-1 -*-\nname = 'café'\n"
    text, notes = intake.decode_source(source.encode("latin-1"), "a.py")
    assert text == source and notes == ()
    rewritten = intake.as_utf8_source(text)
    assert rewritten.startswith("# -*- coding: utf-8 -*-")
    namespace = {}
    exec(compile(rewritten.encode("utf-8"), "a.py", "exec"), namespace)
    assert namespace["name"] == "café"


def test_undecodable_bytes_are_a_problem_naming_the_byte_and_where():
    with pytest.raises(UploadProblem) as caught:
        intake.decode_source(b"x = 1\ny = '\xff\xfe'\n", "ana/losses.py")
    text = caught.value.text.render("en")
    assert "ana/losses.py is not UTF-8" in text
    assert "byte 0xff at position 11 (line 2)" in text
    assert "位元組 0xff" in caught.value.text.render("zh-TW")


def test_encoding_problems_belong_to_the_exercise_the_name_tells(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "ana" / "losses.py", b"def mse(a, b):\n    return '\xff'\n")
    write(folder / "bo" / "work.py", b"def mse(a, b):\n    return '\xff'\n")
    write(folder / "cy" / "losses.py", LOSSES.replace("0.0", "0.0  # 中文").encode("cp950"))
    _, subs, problems = collect(folder)
    assert set(problems) == {("ana", "01"), ("bo", WHOLE_UPLOAD)}
    assert problems["ana", "01"].content_hash == sha(b"def mse(a, b):\n    return '\xff'\n")
    assert "中文" in subs["cy", "01"].path.read_text(encoding="utf-8")
    assert "Big5" in subs["cy", "01"].notes[0].render("en")


def test_a_corrupt_notebook_is_a_problem_of_its_exercise(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "ana" / "losses.ipynb", '{"cells": [{"cell_type": "code", "sour')
    write(folder / "bo" / "activations.ipynb", '{"metadata": {}}')
    write(folder / "cy" / "losses.ipynb", '{"cells": [{"cell_type": "code"}]}')  # no source
    _, subs, problems = collect(folder)
    assert not subs
    assert "not a readable Jupyter notebook" in english(problems["ana", "01"])
    assert "line 1" in english(problems["ana", "01"])
    assert "no list of cells" in english(problems["bo", "02"])
    assert "not a readable Jupyter notebook" in english(problems["cy", "01"])


def test_a_notebook_is_matched_by_the_functions_in_its_code_cells(tmp_path, collect):
    folder = tmp_path / "subs"
    write(folder / "ana" / "homework.ipynb", notebook("import numpy as np", ACTIVATIONS,
                                                      "sigmoid_forward(np.zeros(3))"))
    _, subs, _ = collect(folder)
    assert list(subs) == [("ana", "02")]


def test_the_gradebook_kept_in_the_folder_is_not_a_submission(tmp_path):
    folder = tmp_path / "subs"
    write(folder / "ana" / "losses.py", LOSSES)
    book = write(folder / "gradebook.sqlite", b"SQLite format 3\0")
    found = intake.collect(folder, EXERCISES, tmp_path / "scratch", ignore=[book])
    assert found.students == ("ana",) and found.ignored == ()
