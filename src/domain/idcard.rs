//! 中华人民共和国居民身份证号 (GB 11643-1999): validation, birth date, gender and masking.

use chrono::NaiveDate;

use super::enums::Gender;

/// Weights of the first 17 digits in the ISO 7064 MOD 11-2 check.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder 0..=10.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
/// Number of characters in a second-generation 身份证号.
const LEN: usize = 18;

/// Computes the check character for the first 17 digits; `None` unless given exactly 17 ASCII digits.
pub fn check_digit(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes.iter().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// Why a string is not a valid 身份证号.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdCardError {
    /// Not exactly 18 characters.
    Length,
    /// Contains something other than digits (and a final X).
    NotDigits,
    /// Positions 7–14 are not a real calendar date.
    BadBirthDate,
    /// The 18th character does not match the computed check character.
    CheckDigit,
}

impl IdCardError {
    /// The Chinese message shown to users.
    pub fn message_zh(self) -> &'static str {
        match self {
            IdCardError::Length => "身份证号应为18位",
            IdCardError::NotDigits => "身份证号只能包含数字，末位可为X",
            IdCardError::BadBirthDate => "身份证号中的出生日期无效",
            IdCardError::CheckDigit => "身份证号校验位错误",
        }
    }
}

impl std::fmt::Display for IdCardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message_zh())
    }
}

impl std::error::Error for IdCardError {}

/// A validated 18-character 身份证号 (upper-case X); it deliberately has no `Display` so it is not printed unmasked by accident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCardNo(String);

impl IdCardNo {
    /// Trims, upper-cases a final x and checks length, digits, birth date (not whether it is in the future) and check digit.
    pub fn parse(s: &str) -> Result<IdCardNo, IdCardError> {
        let s = s.trim().to_ascii_uppercase();
        if s.chars().count() != LEN {
            return Err(IdCardError::Length);
        }
        let bytes = s.as_bytes();
        let (body, last) = bytes.split_at(LEN - 1);
        let last_ok = last.iter().all(|b| b.is_ascii_digit() || *b == b'X');
        if !body.iter().all(u8::is_ascii_digit) || !last_ok {
            return Err(IdCardError::NotDigits);
        }
        if birth_date_of(&s).is_none() {
            return Err(IdCardError::BadBirthDate);
        }
        let expected = s.get(..LEN - 1).and_then(check_digit);
        if expected != s.chars().last() {
            return Err(IdCardError::CheckDigit);
        }
        Ok(IdCardNo(s))
    }

    /// The normalised 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date in positions 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        // `parse` guarantees a valid date; the fallback is unreachable.
        birth_date_of(&self.0).unwrap_or(NaiveDate::MIN)
    }

    /// The gender from the 17th digit: odd = male, even = female.
    pub fn gender(&self) -> Gender {
        match self.0.as_bytes().get(LEN - 2) {
            Some(d) if d % 2 == 1 => Gender::Male, // ASCII '0' is even
            _ => Gender::Female,
        }
    }

    /// Masked for display: the first 3 and last 4 characters kept, e.g. `360***********123X`.
    pub fn masked(&self) -> String {
        let head = self.0.get(..3).unwrap_or_default();
        let tail = self.last_digits(4);
        format!("{head}{}{tail}", "*".repeat(LEN - 3 - 4))
    }

    /// The last `n` characters (all 18 if `n` is larger).
    pub fn last_digits(&self, n: usize) -> &str {
        let start = self.0.len().saturating_sub(n);
        self.0.get(start..).unwrap_or_default()
    }
}

/// Reads the birth date from positions 7–14 of an ASCII 身份证号.
fn birth_date_of(s: &str) -> Option<NaiveDate> {
    let year: i32 = s.get(6..10)?.parse().ok()?;
    let month: u32 = s.get(10..12)?.parse().ok()?;
    let day: u32 = s.get(12..14)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Masks a phone number: `138****5678` for 11-digit mobiles, otherwise every character but the last 4 (all if 4 or fewer).
pub fn mask_phone(s: &str) -> String {
    let s = s.trim();
    let chars: Vec<char> = s.chars().collect();
    if chars.len() == 11 && chars.iter().all(char::is_ascii_digit) {
        let head: String = chars.iter().take(3).collect();
        let tail: String = chars.iter().skip(7).collect();
        return format!("{head}****{tail}");
    }
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let keep = chars.len() - 4;
    let tail: String = chars.iter().skip(keep).collect();
    format!("{}{tail}", "*".repeat(keep))
}

/// Masks a stored 身份证号 (or any identifier) for roles that do not need it: the first 3 and
/// last 4 characters stay, as [`IdCardNo::masked`] does.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars.iter().take(3).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Masks every 身份证号 (15 or 18 characters: digits, the last may be `X`) and every 11-digit
/// mobile number (starting with 1) found inside free text, as [`mask`] and [`mask_phone`] do;
/// used where stored text (audit before/after values) is shown to roles that see masked data.
pub fn mask_in_text(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let is_run = |c: char| c.is_ascii_digit() || c == 'X' || c == 'x';
        if !is_run(chars.get(i).copied().unwrap_or(' ')) {
            out.extend(chars.get(i));
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars.get(i).is_some_and(|c| is_run(*c)) {
            i += 1;
        }
        let run: String = chars.get(start..i).unwrap_or_default().iter().collect();
        let digits_but_last = run.chars().take(run.chars().count().saturating_sub(1)).all(|c| c.is_ascii_digit());
        let all_digits = run.chars().all(|c| c.is_ascii_digit());
        match run.chars().count() {
            15 | 18 if digits_but_last => out.push_str(&mask(&run)),
            11 if all_digits && run.starts_with('1') => out.push_str(&mask_phone(&run)),
            _ => out.push_str(&run),
        }
    }
    out
}

/// Masks a JSON document's personal data for roles that see masked data: `id_card_no` and
/// `phone` values, and any 身份证号 or mobile number inside other strings ([`mask_in_text`]).
pub fn mask_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = mask_in_text(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_json),
        serde_json::Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                match (k.as_str(), &*item) {
                    ("id_card_no", serde_json::Value::String(s)) if !s.contains('*') => *item = mask(s).into(),
                    ("phone", serde_json::Value::String(s)) if !s.contains('*') => *item = mask_phone(s).into(),
                    _ => mask_json(item),
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn masks_inside_text_and_json() {
        assert_eq!(mask_in_text("身份证号 11010519491231002X 已改"), "身份证号 110***********002X 已改");
        assert_eq!(mask_in_text("电话13812345678"), "电话138****5678");
        // Other numbers (dates, ids, 12-digit runs) stay.
        assert_eq!(mask_in_text("2026-05-11 编号 123456789012"), "2026-05-11 编号 123456789012");
        let mut v = serde_json::json!({
            "person": {"id_card_no": "11010519491231002X", "phone": "0791-8888", "name": "张三"},
            "old_value": "13812345678",
            "list": [{"phone": "13912345678"}]
        });
        mask_json(&mut v);
        assert_eq!(v["person"]["id_card_no"], "110***********002X");
        assert_eq!(v["person"]["phone"], "*****8888");
        assert_eq!(v["person"]["name"], "张三");
        assert_eq!(v["old_value"], "138****5678");
        assert_eq!(v["list"][0]["phone"], "139****5678");
    }

    /// Appends the correct check character to 17 digits.
    fn complete(first17: &str) -> String {
        format!("{first17}{}", check_digit(first17).unwrap())
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn check_digit_of_standard_examples() {
        // The examples printed in GB 11643-1999.
        assert_eq!(check_digit("11010519491231002"), Some('X'));
        assert_eq!(check_digit("44052418800101001"), Some('4'));
        assert_eq!(check_digit("1101051949123100"), None);
        assert_eq!(check_digit("1101051949123100A"), None);
    }

    #[test]
    fn parses_valid_numbers() {
        let id = IdCardNo::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert_eq!(id.gender(), Gender::Female);

        let id = IdCardNo::parse("440524188001010014").unwrap();
        assert_eq!(id.birth_date(), date(1880, 1, 1));
        assert_eq!(id.gender(), Gender::Male);

        let s = complete("36010220010915123");
        let id = IdCardNo::parse(&format!("  {s} ")).unwrap();
        assert_eq!(id.as_str(), s);
        assert_eq!(id.birth_date(), date(2001, 9, 15));
        assert_eq!(id.gender(), Gender::Male);
    }

    #[test]
    fn lowercase_x_is_normalised() {
        let id = IdCardNo::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn wrong_check_digit() {
        assert_eq!(IdCardNo::parse("110105194912310021"), Err(IdCardError::CheckDigit));
        assert_eq!(IdCardNo::parse("440524188001010015"), Err(IdCardError::CheckDigit));
    }

    #[test]
    fn length_errors() {
        assert_eq!(IdCardNo::parse("11010519491231002"), Err(IdCardError::Length));
        assert_eq!(IdCardNo::parse("11010519491231002X1"), Err(IdCardError::Length));
        assert_eq!(IdCardNo::parse(""), Err(IdCardError::Length));
        // 18 characters, one of them non-ASCII: a digit error, not a length error.
        assert_eq!(IdCardNo::parse("1101051949123100２X"), Err(IdCardError::NotDigits));
    }

    #[test]
    fn digit_errors() {
        assert_eq!(IdCardNo::parse("1101051949123X002X"), Err(IdCardError::NotDigits));
        assert_eq!(IdCardNo::parse("11010519491231002Y"), Err(IdCardError::NotDigits));
    }

    #[test]
    fn feb_29_needs_leap_year() {
        let leap = complete("11010520000229001");
        assert_eq!(IdCardNo::parse(&leap).unwrap().birth_date(), date(2000, 2, 29));
        let non_leap = complete("11010520010229001");
        assert_eq!(IdCardNo::parse(&non_leap), Err(IdCardError::BadBirthDate));
        let century = complete("11010519000229001");
        assert_eq!(IdCardNo::parse(&century), Err(IdCardError::BadBirthDate));
        let month13 = complete("11010519991301001");
        assert_eq!(IdCardNo::parse(&month13), Err(IdCardError::BadBirthDate));
    }

    #[test]
    fn future_birth_date_is_not_checked_here() {
        let s = complete("11010521990101001");
        assert!(IdCardNo::parse(&s).is_ok());
    }

    #[test]
    fn masking() {
        let id = IdCardNo::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110***********002X");
        assert_eq!(id.masked().len(), 18);
        assert_eq!(id.last_digits(4), "002X");
        assert_eq!(id.last_digits(0), "");
        assert_eq!(id.last_digits(30), "11010519491231002X");
    }

    #[test]
    fn phone_masking() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone(" 13812345678 "), "138****5678");
        assert_eq!(mask_phone("0791-88123456"), "*********3456");
        assert_eq!(mask_phone("1234"), "****");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn error_messages() {
        assert_eq!(IdCardError::Length.to_string(), "身份证号应为18位");
        assert_eq!(IdCardError::CheckDigit.message_zh(), "身份证号校验位错误");
    }
}
