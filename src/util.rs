//! Small shared helpers: clock, date text, tokens, pinyin keys.

use chrono::{NaiveDate, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Now in UTC as RFC 3339 text (how timestamps are stored).
pub fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Today's date in Asia/Shanghai (UTC+8, no daylight saving).
pub fn today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Formats a date the way it is stored and shown (`YYYY-MM-DD`).
pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Parses a stored `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// A random URL-safe token of 32 bytes.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// SHA-256 of a text, hex encoded.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Full toneless pinyin ("zhangsan") and initials ("zs") of a Chinese name; other characters are
/// kept lowercased so Latin names still sort and search.
pub fn pinyin_keys(name: &str) -> (String, String) {
    use pinyin::ToPinyin;
    let mut full = String::new();
    let mut initials = String::new();
    for (ch, py) in name.chars().zip(name.to_pinyin()) {
        match py {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None if ch.is_alphanumeric() => {
                for l in ch.to_lowercase() {
                    full.push(l);
                    initials.push(l);
                }
            }
            None => {}
        }
    }
    (full, initials)
}

/// The roster's sort key: toneless pinyin syllables separated by spaces, so that names sort
/// syllable by syllable (李煜鑫 "li yu xin" before 刘琴萍 "liu qin ping").
pub fn pinyin_sort_key(name: &str) -> String {
    use pinyin::ToPinyin;
    let mut parts: Vec<String> = Vec::new();
    for (ch, py) in name.chars().zip(name.to_pinyin()) {
        match py {
            Some(p) => parts.push(p.plain().to_string()),
            None if ch.is_alphanumeric() => parts.push(ch.to_lowercase().collect()),
            None => {}
        }
    }
    parts.join(" ")
}

/// Escapes `%`, `_` and `\` for use inside a LIKE pattern with `ESCAPE '\'`.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_of_names() {
        assert_eq!(pinyin_keys("张三"), ("zhangsan".to_string(), "zs".to_string()));
        assert_eq!(pinyin_keys("欧阳娜娜").1, "oynn");
        assert_eq!(pinyin_keys("Anna李").0, "annali");
    }

    #[test]
    fn sort_key_orders_syllable_by_syllable() {
        assert_eq!(pinyin_sort_key("李煜鑫"), "li yu xin");
        assert!(pinyin_sort_key("李煜鑫") < pinyin_sort_key("刘琴萍"));
        assert!(pinyin_sort_key("张三") < pinyin_sort_key("张三丰"));
    }

    #[test]
    fn like_escape_escapes_wildcards() {
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }

    #[test]
    fn dates_round_trip() {
        let d = NaiveDate::from_ymd_opt(2026, 5, 11);
        assert_eq!(d.map(fmt_date).as_deref(), Some("2026-05-11"));
        assert_eq!(parse_date("2026-05-11"), d);
        assert_eq!(parse_date("2026-5-11x"), None);
    }
}
