//! Static vocabularies for the demo-data generator (`crate::demo::gen`): surnames, given-name
//! characters, ethnic groups, Jiangxi region codes, phone prefixes and the names of colleges,
//! offices and branches. All of it is fictional-but-plausible; no real person is described.

use crate::domain::OrgCategory;

/// Common surnames with relative weights (roughly per-mille of the population; a few common
/// Jiangxi surnames such as 涂, 饶, 熊, 邹 are boosted, and four compound surnames are rare).
pub const SURNAMES: &[(&str, u32)] = &[
    ("王", 71),
    ("李", 70),
    ("张", 67),
    ("刘", 60),
    ("陈", 48),
    ("杨", 31),
    ("黄", 26),
    ("赵", 20),
    ("吴", 22),
    ("周", 19),
    ("徐", 14),
    ("孙", 13),
    ("马", 12),
    ("朱", 12),
    ("胡", 16),
    ("郭", 11),
    ("何", 11),
    ("高", 9),
    ("林", 9),
    ("罗", 10),
    ("郑", 8),
    ("梁", 8),
    ("谢", 8),
    ("宋", 6),
    ("唐", 6),
    ("许", 6),
    ("韩", 5),
    ("冯", 5),
    ("邓", 6),
    ("曹", 5),
    ("彭", 6),
    ("曾", 7),
    ("肖", 6),
    ("田", 4),
    ("董", 4),
    ("袁", 4),
    ("潘", 4),
    ("于", 3),
    ("蒋", 4),
    ("蔡", 4),
    ("余", 5),
    ("杜", 4),
    ("叶", 4),
    ("程", 4),
    ("苏", 3),
    ("魏", 3),
    ("吕", 3),
    ("丁", 3),
    ("任", 3),
    ("沈", 3),
    ("姚", 3),
    ("卢", 3),
    ("姜", 3),
    ("崔", 2),
    ("钟", 4),
    ("谭", 2),
    ("陆", 2),
    ("汪", 3),
    ("范", 2),
    ("金", 2),
    ("石", 2),
    ("廖", 3),
    ("贾", 2),
    ("夏", 2),
    ("韦", 1),
    ("付", 3),
    ("方", 2),
    ("白", 2),
    ("邹", 4),
    ("孟", 2),
    ("熊", 5),
    ("秦", 2),
    ("邱", 3),
    ("江", 3),
    ("尹", 2),
    ("薛", 2),
    ("闫", 1),
    ("段", 2),
    ("雷", 2),
    ("侯", 2),
    ("龙", 2),
    ("史", 2),
    ("陶", 2),
    ("黎", 2),
    ("贺", 1),
    ("顾", 1),
    ("毛", 2),
    ("郝", 1),
    ("龚", 2),
    ("邵", 1),
    ("万", 3),
    ("钱", 1),
    ("严", 1),
    ("武", 1),
    ("戴", 1),
    ("孔", 1),
    ("汤", 1),
    ("涂", 3),
    ("饶", 2),
    ("甘", 1),
    ("聂", 2),
    ("晏", 1),
    ("欧阳", 2),
    ("上官", 1),
    ("司马", 1),
    ("诸葛", 1),
];

/// Given-name characters for men born before 1970.
pub const MALE_OLD: &[&str] = &[
    "建", "国", "华", "明", "军", "平", "德", "福", "生", "荣", "胜", "利", "忠", "春", "林", "文", "志", "强", "伟",
    "红", "卫", "东", "庆", "新", "兴", "海", "光", "永", "长", "金", "根", "水", "发", "贵", "宝", "成", "家", "保",
    "安", "正",
];
/// Given-name characters for men born 1970–1989.
pub const MALE_MID: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "波", "健", "俊",
    "峰", "亮", "成", "建", "志", "海", "东", "翔", "振", "宏", "毅", "晓", "永", "彬", "剑", "锋", "春", "文", "军",
    "立", "清", "松", "红", "兵", "浩", "江",
];
/// Given-name characters for men born 1990 or later.
pub const MALE_YOUNG: &[&str] = &[
    "宇", "浩", "轩", "子", "梓", "俊", "博", "文", "晨", "睿", "哲", "昊", "泽", "瑞", "铭", "天", "嘉", "思", "一",
    "逸", "家", "锦", "豪", "航", "然", "鑫", "凯", "帆", "旭", "阳", "翔", "皓", "宸", "煜", "懿", "辰", "林", "涛",
    "鹏", "杰", "磊", "楷", "恒", "毅", "远", "志", "晟", "亦",
];
/// Given-name characters for women born before 1970.
pub const FEMALE_OLD: &[&str] = &[
    "秀", "英", "兰", "珍", "桂", "玉", "凤", "红", "梅", "淑", "芬", "华", "花", "琴", "云", "霞", "春", "莲", "菊",
    "翠", "金", "芳", "荣", "美", "丽", "敏", "萍", "娥", "香", "素",
];
/// Given-name characters for women born 1970–1989.
pub const FEMALE_MID: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "颖", "琳", "倩", "洁", "萍", "莉",
    "红", "梅", "琴", "蕾", "薇", "媛", "晶", "晓", "丹", "君", "英", "华", "兰", "虹", "宁", "青", "文", "平", "莹",
    "琼", "秋",
];
/// Given-name characters for women born 1990 or later.
pub const FEMALE_YOUNG: &[&str] = &[
    "欣", "怡", "悦", "彤", "璐", "瑶", "雯", "涵", "萱", "诗", "雨", "梦", "馨", "思", "佳", "可", "语", "心", "月",
    "妍", "琪", "钰", "婧", "露", "茜", "婷", "雪", "慧", "颖", "琳", "倩", "晨", "嘉", "子", "梓", "若", "宁", "静",
    "文", "淑", "昕", "玥", "菲", "蕊", "洋", "晴", "羽", "依",
];

/// Ethnic groups (民族) with weights per 1000; 畲族 is boosted because it lives in Jiangxi.
pub const ETHNICITIES: &[(&str, u32)] = &[
    ("汉族", 955),
    ("回族", 7),
    ("壮族", 6),
    ("满族", 5),
    ("苗族", 5),
    ("土家族", 6),
    ("畲族", 4),
    ("蒙古族", 3),
    ("彝族", 2),
    ("侗族", 2),
    ("瑶族", 2),
    ("朝鲜族", 1),
    ("藏族", 1),
    ("白族", 1),
];

/// Jiangxi administrative-division codes used as the first six digits of a 身份证号.
/// Exactly 16 codes: the uniqueness scheme of `gen` relies on this length.
pub const REGION_CODES: [&str; 16] = [
    "360102", "360103", "360104", "360111", "360121", "360124", "360202", "360302", "360403", "360502", "360602",
    "360702", "360802", "360902", "361002", "361102",
];

/// Mobile number prefixes (first three digits) in common use.
pub const PHONE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184", "185", "186",
    "187", "188", "189", "191", "193", "195", "198", "199",
];

/// A college (学院) template: its name, the share of women among its students, and its departments.
#[derive(Debug, Clone, Copy)]
pub struct College {
    /// Name of the college, e.g. 文学院.
    pub name: &'static str,
    /// Percentage of women among its students.
    pub female_pct: u32,
    /// Departments (系/教研室), used to name teacher branches and 党小组.
    pub depts: &'static [&'static str],
}

/// College templates, the most typical first (a 20-unit university uses the first 15).
pub const COLLEGES: &[College] = &[
    College {
        name: "文学院", female_pct: 78, depts: &["汉语言文学系", "汉语国际教育系", "秘书学系"]
    },
    College {
        name: "马克思主义学院",
        female_pct: 68,
        depts: &["马克思主义基本原理教研室", "思想政治教育系", "中国近现代史纲要教研室"],
    },
    College {
        name: "数学与统计学院", female_pct: 52, depts: &["数学系", "统计学系", "信息与计算科学系"]
    },
    College {
        name: "计算机信息工程学院",
        female_pct: 32,
        depts: &["计算机科学与技术系", "网络工程系", "物联网工程系"],
    },
    College {
        name: "外国语学院", female_pct: 84, depts: &["英语系", "日语系", "翻译系", "大学外语教学部"]
    },
    College {
        name: "教育学院", female_pct: 82, depts: &["教育学系", "学前教育系", "小学教育系", "教育技术系"]
    },
    College {
        name: "历史文化与旅游学院", female_pct: 64, depts: &["历史学系", "旅游管理系", "文物与博物馆学系"]
    },
    College {
        name: "物理与通信电子学院", female_pct: 35, depts: &["物理学系", "电子信息工程系", "通信工程系"]
    },
    College {
        name: "化学化工学院", female_pct: 50, depts: &["化学系", "应用化学系", "化学工程与工艺系"]
    },
    College {
        name: "生命科学学院", female_pct: 62, depts: &["生物科学系", "生物技术系", "生态学系"]
    },
    College {
        name: "地理与环境学院", female_pct: 55, depts: &["地理科学系", "人文地理与城乡规划系", "环境科学系"]
    },
    College { name: "财政金融学院", female_pct: 70, depts: &["金融学系", "财政学系", "经济学系"] },
    College {
        name: "政法学院", female_pct: 66, depts: &["法学系", "政治学与行政学系", "社会工作系"]
    },
    College { name: "音乐学院", female_pct: 72, depts: &["音乐学系", "音乐表演系", "舞蹈学系"] },
    College {
        name: "体育学院", female_pct: 36, depts: &["体育教育系", "社会体育指导与管理系", "运动训练系"]
    },
    College { name: "软件学院", female_pct: 30, depts: &["软件工程系", "数据科学与大数据技术系"] },
    College {
        name: "美术学院", female_pct: 74, depts: &["美术学系", "视觉传达设计系", "环境设计系"]
    },
    College { name: "心理学院", female_pct: 80, depts: &["基础心理学系", "应用心理学系"] },
    College { name: "商学院", female_pct: 68, depts: &["工商管理系", "会计学系", "市场营销系"] },
    College {
        name: "新闻与传播学院", female_pct: 76, depts: &["新闻学系", "广播电视学系", "网络与新媒体系"]
    },
    College {
        name: "城市建设学院", female_pct: 34, depts: &["土木工程系", "建筑学系", "工程管理系"]
    },
    College { name: "初等教育学院", female_pct: 86, depts: &["小学教育系", "学前教育系"] },
    College { name: "人工智能学院", female_pct: 30, depts: &["人工智能系", "智能科学与技术系"] },
    College {
        name: "管理学院", female_pct: 64, depts: &["公共管理系", "人力资源管理系", "信息管理系"]
    },
    College { name: "经济学院", female_pct: 62, depts: &["国际经济与贸易系", "经济学系"] },
    College { name: "国际教育学院", female_pct: 80, depts: &["国际中文教育系", "留学生教学部"] },
    College { name: "药学院", female_pct: 70, depts: &["药学系", "中药学系"] },
    College {
        name: "食品科学与工程学院", female_pct: 60, depts: &["食品科学系", "食品质量与安全系"]
    },
    College { name: "先进材料研究院", female_pct: 40, depts: &["材料科学系", "新能源材料系"] },
    College { name: "职业技术教育学院", female_pct: 58, depts: &["职业教育系", "汽车服务工程系"] },
    College { name: "哲学与社会学院", female_pct: 66, depts: &["哲学系", "社会学系"] },
    College {
        name: "传媒与影视学院", female_pct: 72, depts: &["戏剧影视文学系", "数字媒体艺术系"]
    },
];

/// A college-level 党总支 template (offices, retirees, library, logistics, attached school).
#[derive(Debug, Clone, Copy)]
pub struct GeneralUnit {
    /// Name of the 党总支.
    pub name: &'static str,
    /// Category of the branches under it.
    pub category: OrgCategory,
    /// Size relative to an average unit (the five templates sum to 2.4; colleges share the rest).
    pub factor: f64,
    /// Named branches, used in order.
    pub branches: &'static [&'static str],
    /// Prefix of numbered branches once the named list is used up, e.g. 机关 → 机关第十五党支部.
    pub numbered_prefix: &'static str,
}

/// The five kinds of 党总支 units, in the order they appear in each block of 20 units.
pub const GENERAL_UNITS: &[GeneralUnit] = &[
    GeneralUnit {
        name: "机关党总支",
        category: OrgCategory::Admin,
        factor: 0.7,
        branches: &[
            "党委办公室（校长办公室）党支部",
            "组织部统战部联合党支部",
            "宣传部党支部",
            "纪委办公室（监察处）党支部",
            "教务处党支部",
            "科技处社科处联合党支部",
            "人事处党支部",
            "财务处党支部",
            "学生工作部（处）党支部",
            "研究生院党支部",
            "国际合作与交流处党支部",
            "保卫处党支部",
            "资产管理处党支部",
            "发展规划处审计处联合党支部",
            "工会团委联合党支部",
            "招生就业处党支部",
            "实验室管理处党支部",
            "离退休工作处党支部",
        ],
        numbered_prefix: "机关",
    },
    GeneralUnit {
        name: "离退休党总支",
        category: OrgCategory::Retired,
        factor: 0.6,
        branches: &[
            "机关退休第一党支部",
            "机关退休第二党支部",
            "文科学院退休党支部",
            "理科学院退休党支部",
            "工科学院退休党支部",
            "艺体学院退休党支部",
            "后勤退休党支部",
            "附属学校退休党支部",
            "青山湖校区退休党支部",
        ],
        numbered_prefix: "退休教职工",
    },
    GeneralUnit {
        name: "图书馆党总支",
        category: OrgCategory::Admin,
        factor: 0.3,
        branches: &[
            "采编部党支部",
            "流通阅览部党支部",
            "信息技术部党支部",
            "档案馆党支部",
            "校史馆博物馆联合党支部",
            "期刊社党支部",
        ],
        numbered_prefix: "图书馆",
    },
    GeneralUnit {
        name: "后勤保障党总支",
        category: OrgCategory::Admin,
        factor: 0.4,
        branches: &[
            "后勤管理处党支部",
            "膳食服务中心党支部",
            "物业管理中心党支部",
            "校医院党支部",
            "基建处党支部",
            "能源与运输中心党支部",
            "学生公寓管理中心党支部",
        ],
        numbered_prefix: "后勤",
    },
    GeneralUnit {
        name: "附属中学党总支",
        category: OrgCategory::Teacher,
        factor: 0.4,
        branches: &[
            "高中部教工第一党支部",
            "高中部教工第二党支部",
            "初中部教工党支部",
            "附属小学教工党支部",
            "附属幼儿园党支部",
            "行政后勤党支部",
        ],
        numbered_prefix: "附属中学教工",
    },
];

/// Sizes of the 15 college units of a block of 20, relative to an average unit (shuffled per block).
pub const COLLEGE_FACTORS: [f64; 15] =
    [1.55, 1.45, 1.35, 1.3, 1.25, 1.2, 1.15, 1.1, 1.05, 1.0, 0.95, 0.9, 0.85, 0.8, 0.7];

/// Names of a college's own administrative branch (one is picked per college).
pub const COLLEGE_ADMIN_BRANCHES: &[&str] = &["行政教辅党支部", "学院机关党支部", "实验中心党支部"];

/// Chinese numeral for 1..=99 (第一, 第二十三…); larger numbers fall back to Arabic digits.
pub fn cn_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[n % 10]),
        20..=99 => match n % 10 {
            0 => format!("{}十", D[n / 10]),
            u => format!("{}十{}", D[n / 10], D[u]),
        },
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        assert_eq!(cn_number(1), "一");
        assert_eq!(cn_number(10), "十");
        assert_eq!(cn_number(12), "十二");
        assert_eq!(cn_number(20), "二十");
        assert_eq!(cn_number(37), "三十七");
        assert_eq!(cn_number(120), "120");
    }

    #[test]
    fn factors_sum_to_twenty() {
        let c: f64 = COLLEGE_FACTORS.iter().sum();
        let g: f64 = GENERAL_UNITS.iter().map(|u| u.factor).sum();
        assert!((c - 16.6).abs() < 1e-9, "{c}");
        assert!((g - 2.4).abs() < 1e-9, "{g}");
    }
}
