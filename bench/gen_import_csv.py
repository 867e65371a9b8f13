#!/usr/bin/env python3
"""Writes an import CSV of N valid members for one branch: bench/gen_import_csv.py N BRANCH_NAME OUT."""
import random
import sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
MAP = "10X98765432"


def id_card(region, birth, seq, male):
    seq = seq * 10 + (1 if male else 0)  # the 17th digit: odd for men, even for women
    body = f"{region}{birth}{seq:03d}"[:17]
    return body + MAP[sum(int(c) * w for c, w in zip(body, W)) % 11]


def main():
    n, branch, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rnd = random.Random(42)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
    with open(out, "w", encoding="utf-8") as f:
        f.write("姓名,性别,出生日期,身份证号,工号/学号,人员类别,所在党支部,党员类别,入党日期,转正日期\n")
        seen = set()
        i = 0
        while i < n:
            y, m, d = rnd.randint(1970, 1999), rnd.randint(1, 12), rnd.randint(1, 28)
            male = rnd.random() < 0.5
            region = "3699%02d" % rnd.randint(0, 99)  # region codes not used by the demo generator
            seq = rnd.randint(0, 99)
            idc = id_card(region, f"{y:04d}{m:02d}{d:02d}", seq, male)
            if idc in seen:
                continue
            seen.add(idc)
            name = rnd.choice(surnames) + rnd.choice(given) + rnd.choice(given)
            joined = f"{y + 25}-{m:02d}-{d:02d}"
            full = f"{y + 26}-{m:02d}-{d:02d}"
            f.write(f"{name},{'男' if male else '女'},{y:04d}-{m:02d}-{d:02d},{idc},B{i:07d},教师,{branch},正式党员,{joined},{full}\n")
            i += 1


main()
