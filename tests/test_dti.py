"""A DTI-like set: 1000 points reported as an index with four decimals, ranked on the shown index."""

from decimal import Decimal

from xephang.framework import load_framework
from xephang.io import read_period
from xephang.ranking import rank
from xephang.scoring import score

HEAD = "khối,đơn vị,diem_nhan_thuc_so,diem_the_che_so,diem_ha_tang_so,diem_nhan_luc_so,diem_an_toan_thong_tin,diem_chinh_quyen_so,diem_kinh_te_so,diem_xa_hoi_so"


def test_index_is_points_over_1000_with_four_decimals(write):
    fw = load_framework("dti-2022-tinh")
    f = write(
        "dti.csv",
        f"""
        {HEAD}
        tinh,Tỉnh A,80,70,60,50,40,150,100,120
        tinh,Tỉnh B,"80,01",70,60,50,40,150,100,"119,99"
        tinh,Tỉnh C,100,100,100,100,100,200,150,150
        tinh,Tỉnh D,80,70,60,50,40,150,100,"120,04"
        """,
    )
    r = rank(score(fw, read_period(f, fw)))
    got = [(u.name, str(u.shown), u.rank, u.level) for u in r.units()]
    # A = 670 -> 0.6700; B = 670.00 -> 0.6700 (equal, shared rank 2); C = 1000 -> 1.0000;
    # D = 670.04 -> 0.67004 -> 0.6700 half-up: shown equal, and DTI ranks on the shown index.
    assert got[0] == ("Tỉnh C", "1.0000", 1, None)
    assert {(n, s, k) for n, s, k, _ in got[1:]} == {
        ("Tỉnh A", "0.6700", 2),
        ("Tỉnh B", "0.6700", 2),
        ("Tỉnh D", "0.6700", 2),
    }
    assert any("đồng hạng 2" in w for w in r.warnings)


def test_published_index_totals_are_read_as_index(write):
    fw = load_framework("dti-2022-tinh")
    f = write("kq.csv", 'khối,đơn vị,tổng điểm\ntinh,Tỉnh A,"0,6543"\ntinh,Tỉnh B,0.65435\n')
    r = rank(score(fw, read_period(f, fw)))
    assert [(u.name, u.shown, u.rank) for u in r.units()] == [
        ("Tỉnh B", Decimal("0.6544"), 1),  # 0.65435 half-up
        ("Tỉnh A", Decimal("0.6543"), 2),
    ]
