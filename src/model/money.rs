//! Money: exact amounts in cents (never floats), parsed from the text authors and ERP
//! exports write, and formatted for the site's language (`€1,234.50`, `1 234,50 €`).

use std::fmt::Write as _;

/// An amount in the catalog's currency, in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(pub i64);

impl Money {
    /// Parses `1234.50`, `1234,5`, `1 234,50`, `9450`. With both `.` and `,` present the
    /// amount is ambiguous and refused; more than two decimals is refused.
    pub fn parse(text: &str) -> Option<Money> {
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
            .collect();
        let (neg, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        if digits.contains('.') && digits.contains(',') {
            return None;
        }
        let (whole, frac) = match digits.split_once(['.', ',']) {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty()
            || frac.len() > 2
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().ok()? * 10,
            _ => frac.parse().ok()?,
        };
        let cents = whole.checked_mul(100)?.checked_add(frac)?;
        Some(Money(if neg { -cents } else { cents }))
    }

    /// `1234.50`: for CSV files and data attributes.
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", self.0.abs() / 100, self.0.abs() % 100)
    }

    /// Formatted for people reading `language`, in `currency` (an ISO code).
    pub fn display(self, currency: &str, language: &str) -> String {
        let symbol = match currency {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            other => other,
        };
        let (group, decimal) = separators(language);
        // The symbol comes first where numbers are written the English way.
        let prefix = decimal == ".";
        let abs = self.0.unsigned_abs();
        let grouped = group_digits(&(abs / 100).to_string(), group);
        let mut out = String::new();
        if self.0 < 0 {
            out.push('-');
        }
        let number = format!("{grouped}{decimal}{:02}", abs % 100);
        if prefix {
            let _ = write!(out, "{symbol}{number}");
        } else {
            let _ = write!(out, "{number}\u{a0}{symbol}");
        }
        out
    }
}

/// How `language` writes numbers: (thousands separator, decimal separator). Finnish,
/// Swedish and others group with a no-break space, French with a narrow one.
pub fn separators(language: &str) -> (&'static str, &'static str) {
    match language.split(['-', '_']).next().unwrap_or(language) {
        "fi" | "sv" | "nb" | "no" | "cs" | "pl" => ("\u{a0}", ","),
        "fr" => ("\u{202f}", ","),
        "it" | "de" | "es" | "nl" | "da" | "pt" => (".", ","),
        _ => (",", "."),
    }
}

/// `1234567` → `1,234,567` with `group` between every three digits.
pub fn group_digits(digits: &str, group: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * group.len());
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(group);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        let check = |text: &str, cents: Option<i64>| {
            assert_eq!(Money::parse(text).map(|m| m.0), cents, "{text}")
        };
        check("1234.50", Some(123450));
        check("1234,5", Some(123450));
        check("1 234,50", Some(123450));
        check("9450", Some(945000));
        check("0.07", Some(7));
        check("-3.10", Some(-310));
        check("1.234,50", None);
        check("12.345", None);
        check("abc", None);
        check("", None);
        check("99999999999999999999", None);
    }

    #[test]
    fn formats_per_language() {
        let m = Money(123450);
        assert_eq!(m.display("EUR", "en"), "€1,234.50");
        assert_eq!(m.display("EUR", "fi"), "1\u{a0}234,50\u{a0}€");
        assert_eq!(m.display("EUR", "it"), "1.234,50\u{a0}€");
        assert_eq!(m.display("EUR", "fr"), "1\u{202f}234,50\u{a0}€");
        assert_eq!(Money(5).display("EUR", "en"), "€0.05");
        assert_eq!(Money(100000000).display("SEK", "en"), "SEK1,000,000.00");
        assert_eq!(m.plain(), "1234.50");
    }
}
