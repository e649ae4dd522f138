"""import_areas: a good file is imported; a bad file names the row and changes nothing."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from regions.models import Area

FILES = Path(__file__).parent / "files"


def run(name: str) -> str:
    out = StringIO()
    call_command("import_areas", str(FILES / name), "--no-progress", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_good_file_creates_areas_and_their_province():
    output = run("areas_good.csv")
    assert "新增 created 6" in output  # 5 rows + 北京市, created as the missing province
    assert Area.objects.get(code="110000000000").name == "北京市"
    community = Area.objects.get(code="110101001001")
    assert community.parent_id == "110101001000"
    assert community.kind == "社区"
    assert Area.objects.get(code="110101001200").kind == "村"


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing():
    run("areas_good.csv")
    output = run("areas_good.csv")
    assert "新增 created 0" in output and "未变 unchanged 5" in output


@pytest.mark.django_db
def test_the_real_hebi_file_reimports_unchanged(settings):
    path = str(settings.DEMO_DATA_DIR / "hebi_admin_divisions.csv")
    call_command("import_areas", path, "--no-progress", stdout=StringIO())
    out = StringIO()
    call_command("import_areas", path, "--no-progress", stdout=out)
    assert "未变 unchanged 1096" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("areas_wrong_columns.csv", "row 1 (header): 缺少列 parent_code"),
        ("areas_unknown_parent.csv", "row 6: 上级代码 110102000000 不存在"),
        ("areas_duplicate_code.csv", "row 5: 代码 110101000000 重复（与第4行）"),
        ("areas_bad_code.csv", "row 4: 区划代码必须是12位数字"),
        ("areas_wrong_level.csv", "row 4: 级别 4 与代码 110101000000 不符"),
        ("areas_village_under_county.csv", "row 4: 区划代码的层级段不连续"),
    ],
)
def test_a_bad_file_names_the_row_and_changes_nothing(name, message):
    before = Area.objects.count()
    with pytest.raises(CommandError) as err:
        run(name)
    assert message in str(err.value)
    assert "nothing was changed" in str(err.value)
    assert Area.objects.count() == before
    assert not Area.objects.filter(code__startswith="11").exists()


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="file not found"):
        run("no_such_file.csv")


@pytest.mark.django_db
def test_a_row_with_more_values_than_columns_is_refused(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text("code,name,level,parent_code\n110000000000,北京市,1,,surplus\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 2: 值比列多"):
        call_command("import_areas", str(path), "--no-progress", stdout=StringIO())
