"""Real items of published criteria sets, written in the criteria-set language as the regulation says
them, each scoring exactly as the quoted text says (tests/data/real/*.yaml; the quoted text is in
each criterion's ``description``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xephang.cli import main
from xephang.errors import FrameworkError, InputError, XephangError
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.numbers import to_fixed
from xephang.scoring import score

REAL = Path(__file__).parent / "data" / "real"


def scored(name: str, params=None, csv=None):
    fw = load_framework(REAL / f"{name}.yaml")
    data = read_period(csv or REAL / f"{name}.csv", fw)
    data.params = params or {}
    return score(fw, data)


def pts(s, unit: str, cid: str):
    return s.points(s.unit(unit), cid)


def F(x) -> int:
    return to_fixed(str(x))


# --- District DTI, "1. Nhận thức số" -------------------------------------------------------------


def test_meetings_of_the_steering_committee_are_tiers_on_a_count():
    s = scored("dti-huyen-nhan-thuc-so", {"so_van_ban_yeu_cau": 4})
    # "họp 4 lần/năm: 20 điểm; 3 lần: 15; 2 lần: 10; 1 lần: 5; Còn lại: 0"
    assert [pts(s, u, "bcd_hop") for u in ("Huyện A", "Huyện B", "Huyện C", "Huyện D")] == [F(20), F(15), 0, F(5)]


def test_share_of_meetings_chaired_is_a_over_b_times_the_maximum():
    s = scored("dti-huyen-nhan-thuc-so", {"so_van_ban_yeu_cau": 4})
    assert pts(s, "Huyện A", "lanh_dao_chu_tri") == F(14)  # 7/10 × 20
    assert pts(s, "Huyện B", "lanh_dao_chu_tri") == 0  # no meeting at all: 0, not an error
    assert pts(s, "Huyện C", "lanh_dao_chu_tri") == F(20)
    # 1/3 × 20, exact to the 15th decimal
    assert abs(pts(s, "Huyện D", "lanh_dao_chu_tri") - F("6.666666666666667")) <= 20


def test_the_provinces_required_number_of_documents_is_a_parameter_of_the_period():
    s = scored("dti-huyen-nhan-thuc-so", {"so_van_ban_yeu_cau": 4})
    assert pts(s, "Huyện A", "van_ban_chi_dao") == F(15)  # 3 of the 4 the province asked for
    assert pts(s, "Huyện B", "van_ban_chi_dao") == F(20)  # 6 of 4: capped at the maximum
    assert pts(s, "Huyện D", "van_ban_chi_dao") == F(10)
    # the province asks for 5 next year: every unit's points follow, nobody retypes anything
    s5 = scored("dti-huyen-nhan-thuc-so", {"so_van_ban_yeu_cau": "5"})
    assert pts(s5, "Huyện A", "van_ban_chi_dao") == F(12)
    assert s5.params == {"so_van_ban_yeu_cau": F(5)}


def test_a_missing_or_bad_parameter_is_refused_by_name():
    with pytest.raises(XephangError, match="thiếu giá trị tham số 'so_van_ban_yeu_cau'"):
        scored("dti-huyen-nhan-thuc-so")
    with pytest.raises(XephangError, match=r"so_van_ban_yeu_cau.*nằm ngoài giới hạn \(từ 1 trở lên\)"):
        scored("dti-huyen-nhan-thuc-so", {"so_van_ban_yeu_cau": 0})
    with pytest.raises(XephangError, match="cần một số nguyên"):
        scored("dti-huyen-nhan-thuc-so", {"so_van_ban_yeu_cau": "2,5"})
    with pytest.raises(XephangError, match="không có tham số 'so_vb'"):
        scored("dti-huyen-nhan-thuc-so", {"so_van_ban_yeu_cau": 4, "so_vb": 3})


def test_period_file_parameters_and_explain_with_the_regulations_numbers(capsys):
    assert (
        main(
            [
                "explain",
                str(REAL / "dti-huyen-nhan-thuc-so.csv"),
                "--framework",
                str(REAL / "dti-huyen-nhan-thuc-so.yaml"),
                "--param",
                "so_van_ban_yeu_cau=4",
                "--unit",
                "Huyện A",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert (
        "Tham số của kỳ: Tổng số văn bản chỉ đạo chuyên đề về CĐS theo yêu cầu của tỉnh [so_van_ban_yeu_cau] = 4 văn bản"
        in out
    )
    assert "\n  1.2 Bí thư/Chủ tịch chủ trì các cuộc họp về CĐS [lanh_dao_chu_tri]: 14 / 20 điểm" in out
    assert "(nguồn: đơn vị tự báo cáo; xác minh: Sở Thông tin và Truyền thông)" in out
    assert "ty_le_chu_tri * diem_toi_da: ty_le_chu_tri = 0.7, điểm tối đa = 20 → 14 điểm" in out
    assert "\n1 Nhận thức số [nhan_thuc_so]: 49 / 60 điểm" in out  # 20 + 14 + 15, "1", not "1."


def test_a_period_yaml_carries_the_parameters(capsys, tmp_path):
    period = tmp_path / "period.yaml"
    period.write_text(
        f"data: {REAL / 'dti-huyen-nhan-thuc-so.csv'}\n"
        f"framework: {REAL / 'dti-huyen-nhan-thuc-so.yaml'}\n"
        "params: {so_van_ban_yeu_cau: 5}\n",
        encoding="utf-8",
    )
    assert main(["rank", str(period), "--json"]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    totals = {u["unit"]: u["total"] for u in doc["units"]}
    assert totals["Huyện A"] == "46"  # 20 + 14 + 3/5 × 20
    # the command line wins over the period file
    assert main(["rank", str(period), "--json", "--param", "so_van_ban_yeu_cau=3"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {u["unit"]: u["total"] for u in doc["units"]}["Huyện A"] == "54"


# --- TP Cao Lãnh, "1. Nhận thức số" -------------------------------------------------------------


def test_points_as_fractions_of_the_maximum():
    s = scored("caolanh-nhan-thuc-so")
    # "là Bí thư/Chủ tịch: Điểm tối đa; là Phó Bí thư/Phó Chủ tịch: 1/2*Điểm tối đa; chưa có: 0"
    assert pts(s, "Thành phố Cao Lãnh", "truong_ban") == F(10)
    assert pts(s, "Huyện Đầy đủ không chủ trì", "truong_ban") == F(5)
    assert pts(s, "Huyện Không được mời", "truong_ban") == 0
    assert s.framework.criterion("truong_ban").rule.points == {"bi_thu_chu_tich": F(10), "pho": F(5), "khong": 0}


def test_attending_all_the_provinces_meetings_is_a_condition_on_two_counts():
    s = scored("caolanh-nhan-thuc-so")
    # "tham gia đầy đủ các phiên họp … của Tỉnh: 1/2 * Điểm tối đa; chủ trì … của huyện: 1/2 * Điểm tối đa"
    assert pts(s, "Thành phố Cao Lãnh", "hop_cds") == F(10)  # 6 of 6, and chairs
    assert pts(s, "Huyện Đầy đủ không chủ trì", "hop_cds") == F(5)  # 4 of 4, does not chair
    assert pts(s, "Huyện Thiếu một phiên", "hop_cds") == F(5)  # 3 of 4: not "đầy đủ"; chairs
    assert pts(s, "Huyện Không được mời", "hop_cds") == 0
    trace = s.explain(s.unit("Huyện Thiếu một phiên"))[0].children[1]
    assert (
        "so_phien_duoc_moi = 4, so_phien_tham_du = 3, chu_tri_hop_huyen = có, điểm tối đa = 10 → 5 điểm"
        in trace.explanation
    )


def test_the_two_counts_keep_their_at_most_check(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "khối,đơn vị,truong_ban_cds,so_phien_duoc_moi,so_phien_tham_du,chu_tri_hop_huyen\nhuyen,Huyện X,pho,3,4,có\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="phần không thể lớn hơn tổng"):
        read_period(bad, load_framework(REAL / "caolanh-nhan-thuc-so.yaml"))


# --- Bộ TT&TT, Phụ lục 1B, "I. Hạ tầng kỹ thuật CNTT" -----------------------------------------


def test_ministry_infrastructure_items():
    s = scored("bttt-1b-ha-tang")
    a, b, c = "Bộ A", "Bộ B", "Bộ C"
    assert pts(s, a, "may_tinh") == F(19)  # 190/200 × 20
    assert pts(s, a, "phong_chong_ma_doc") == F(16)  # 200/250 × 20
    # converted bandwidth per staff: A (100×1 + 200×0.5)/200 = 1, B (20 + 100×0.1)/100 = 0.3
    assert pts(s, a, "bang_thong") == F(40)
    assert pts(s, b, "bang_thong") == F(12)  # 0.3 / 1 × 40
    assert pts(s, c, "bang_thong") == 0
    assert pts(s, a, "ket_noi_wan") == F(36)  # 8/10 × 45


def test_listed_applications_are_counted_once_each_and_capped():
    s = scored("bttt-1b-ha-tang")
    # "Liệt kê mỗi ứng dụng …: 1 điểm, tổng … không quá 5 điểm"
    assert pts(s, "Bộ A", "ung_dung_wan") == F(3)  # "quản lý  VĂN BẢN" is "Quản lý văn bản" again
    assert pts(s, "Bộ B", "ung_dung_wan") == F(5)  # 7 listed, capped at 5
    assert pts(s, "Bộ C", "ung_dung_wan") == 0  # "không có"
    assert pts(s, "Bộ A", "wan") == F(39)  # ĐiểmKNWAN + ĐiểmƯDKNWAN
    shown = dict((iid, v) for iid, _, v in s.explain(s.unit("Bộ A"))[0].children[3].children[1].inputs)
    assert shown["ung_dung_tren_wan"] == "3 mục: Quản lý văn bản; Một cửa điện tử; Thư điện tử"


def test_data_centre_standards_count_only_with_a_data_centre_and_take_the_best_case():
    s = scored("bttt-1b-ha-tang")
    # "1.1. Có Trung tâm dữ liệu: 35 điểm; 1.2. Đáp ứng tiêu chuẩn … (trường hợp nào có điểm cao nhất)"
    assert pts(s, "Bộ A", "trung_tam_du_lieu") == F(50)  # 35 + best(0, 15, 10)
    assert pts(s, "Bộ B", "co_ttdl") == 0
    assert pts(s, "Bộ B", "tieu_chuan_ttdl") == 0  # claims every standard, but has no data centre
    assert pts(s, "Bộ B", "trung_tam_du_lieu") == 0
    node = s.explain(s.unit("Bộ B"))[0].children[4].children[1]
    assert node.explanation.startswith(
        "điều kiện không thỏa: co_trung_tam_du_lieu (co_trung_tam_du_lieu = không) → 0 điểm"
    )
    totals = {u.name: u.total for u in s.units}
    assert totals == {"Bộ A": F(164), "Bộ B": F(102), "Bộ C": F(35)}


def test_conversion_weights_are_parameters_with_defaults():
    s = scored("bttt-1b-ha-tang", {"he_so_adsl": "0,2"})
    # B: (20 + 100 × 0.2) / 100 = 0.4 of A's 1
    assert pts(s, "Bộ B", "bang_thong") == F(16)


# --- Tây Ninh 2019, group I ---------------------------------------------------------------------


def test_tay_ninh_two_point_items_and_who_prepares_them(tmp_path):
    fw = load_framework(REAL / "tayninh-2019-nhom-1.yaml")
    assert fw.criterion("may_tinh").prepared_by == "Văn phòng"
    f = tmp_path / "tn.csv"
    f.write_text(
        "khối,đơn vị,ty_le_may_tinh,ket_noi_mang_chuyen_dung\nso,Sở A,95%,có\nso,Sở B,0.5,không\n", encoding="utf-8"
    )
    s = score(fw, read_period(f, fw))
    assert pts(s, "Sở A", "may_tinh") == F("1.9")  # "Tỷ lệ% x Điểm tối đa"
    assert pts(s, "Sở A", "mang_chuyen_dung") == F(2)  # "Có: 2; Không: 0"
    assert pts(s, "Sở B", "mang_chuyen_dung") == 0


# --- The shipped DTI 2022 set: columns named by the main indices -------------------------------


def test_a_column_named_by_a_criterion_with_a_single_input_is_that_input(tmp_path):
    fw = load_framework("dti-2022-tinh")
    ids = [c.id for c in fw.criteria]
    f = tmp_path / "dti.csv"
    f.write_text(
        "khối,đơn vị,"
        + ",".join(ids)
        + "\n"
        + "tinh,Tỉnh A,"
        + ",".join(str(c.max // 10**15 // 2) for c in fw.criteria)
        + "\n",
        encoding="utf-8",
    )
    s = score(fw, read_period(f, fw))
    assert s.units[0].total == fw.scale // 2


def test_a_column_given_twice_is_refused(tmp_path):
    fw = load_framework("dti-2022-tinh")
    first = fw.criteria[0]
    f = tmp_path / "dti.csv"
    f.write_text(f"khối,đơn vị,{first.id},{first.inputs()[0]}\ntinh,Tỉnh A,1,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="cùng là chỉ tiêu"):
        read_period(f, fw)


def test_every_real_set_checks(capsys):
    for f in sorted(REAL.glob("*.yaml")):
        if f.name.endswith(".period.yaml"):
            continue
        assert main(["framework", "check", str(f)]) == 0
    assert "Hợp lệ: bttt-1b-ha-tang" in capsys.readouterr().out
    with pytest.raises(FrameworkError):
        load_framework(REAL / "does-not-exist.yaml")
