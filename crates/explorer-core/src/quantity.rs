//! Exact parsing of Kubernetes quantities (`250m`, `0.5`, `1500u`, `256Mi`, `1e3`, `1.5Gi`)
//! into millicores and bytes, rounding up like Kubernetes, plus human formatting.

use std::fmt;

/// Why a quantity could not be used.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum QuantityError {
    Empty,
    Invalid(String),
    Negative(String),
    TooLarge(String),
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::Empty => f.write_str("empty quantity"),
            QuantityError::Invalid(s) => write!(f, "invalid quantity {s:?}"),
            QuantityError::Negative(s) => write!(f, "negative quantity {s:?}"),
            QuantityError::TooLarge(s) => write!(f, "quantity {s:?} is too large"),
        }
    }
}

impl std::error::Error for QuantityError {}

/// An exact non-negative quantity: `digits × 10^pow10 × 2^pow2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity {
    digits: u128,
    pow10: i32,
    pow2: u32,
}

const MAX_DIGITS: usize = 30;

impl Quantity {
    /// Parses the Kubernetes quantity grammar: `<number><suffix>` where suffix is a binary SI
    /// (`Ki`…`Ei`), decimal SI (`n u m k M G T P E`) or exponent (`e3`, `E-2`).
    pub fn parse(input: &str) -> Result<Quantity, QuantityError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(QuantityError::Empty);
        }
        let invalid = || QuantityError::Invalid(input.to_string());
        let (negative, body) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let num_end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (number, suffix) = body.split_at(num_end);
        let (int_part, frac_part) = match number.split_once('.') {
            Some((i, f)) => (i, f),
            None => (number, ""),
        };
        if (int_part.is_empty() && frac_part.is_empty()) || frac_part.contains('.') {
            return Err(invalid());
        }
        let all_digits = format!("{int_part}{frac_part}");
        let significant = all_digits.trim_start_matches('0');
        // Drop trailing zeros of the fraction: they carry no value.
        let mut pow10: i32 = -(frac_part.len() as i32);
        let mut sig = significant.to_string();
        while sig.ends_with('0') && pow10 < 0 {
            sig.pop();
            pow10 += 1;
        }
        if sig.len() > MAX_DIGITS {
            return Err(QuantityError::TooLarge(input.to_string()));
        }
        let digits: u128 = if sig.is_empty() {
            0
        } else {
            sig.parse().map_err(|_| invalid())?
        };
        let (s10, pow2): (i32, u32) = match suffix {
            "" => (0, 0),
            "n" => (-9, 0),
            "u" => (-6, 0),
            "m" => (-3, 0),
            "k" => (3, 0),
            "M" => (6, 0),
            "G" => (9, 0),
            "T" => (12, 0),
            "P" => (15, 0),
            "E" => (18, 0),
            "Ki" => (0, 10),
            "Mi" => (0, 20),
            "Gi" => (0, 30),
            "Ti" => (0, 40),
            "Pi" => (0, 50),
            "Ei" => (0, 60),
            _ => {
                let exp = suffix
                    .strip_prefix(['e', 'E'])
                    .filter(|e| !e.is_empty() && e.len() <= 4)
                    .and_then(|e| e.parse::<i32>().ok())
                    .ok_or_else(invalid)?;
                (exp, 0)
            }
        };
        if negative && digits != 0 {
            return Err(QuantityError::Negative(input.to_string()));
        }
        pow10 += s10;
        Ok(Quantity {
            digits,
            pow10,
            pow2,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.digits == 0
    }

    /// `ceil(value × 10^extra)` as u64.
    fn scaled_ceil(&self, extra: i32, original: &str) -> Result<u64, QuantityError> {
        let too_large = || QuantityError::TooLarge(original.to_string());
        if self.digits == 0 {
            return Ok(0);
        }
        let base = self
            .digits
            .checked_mul(1u128.checked_shl(self.pow2).ok_or_else(too_large)?)
            .ok_or_else(too_large)?;
        let k = self.pow10 + extra;
        let value = if k >= 0 {
            let factor = 10u128.checked_pow(k as u32).ok_or_else(too_large)?;
            base.checked_mul(factor).ok_or_else(too_large)?
        } else {
            match 10u128.checked_pow(k.unsigned_abs()) {
                Some(div) => base.div_ceil(div),
                // Divisor beyond u128: a tiny positive value rounds up to 1.
                None => 1,
            }
        };
        u64::try_from(value).map_err(|_| too_large())
    }

    /// Millicores, rounded up (`1500u` → 2).
    pub fn to_millis(&self) -> Result<u64, QuantityError> {
        self.scaled_ceil(3, &self.to_string())
    }

    /// Whole units (bytes for memory), rounded up.
    pub fn to_units(&self) -> Result<u64, QuantityError> {
        self.scaled_ceil(0, &self.to_string())
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}e{}", self.digits, self.pow10)?;
        if self.pow2 > 0 {
            write!(f, "*2^{}", self.pow2)?;
        }
        Ok(())
    }
}

/// CPU quantity → millicores (`250m` → 250, `0.5` → 500, `2` → 2000, `1500u` → 2).
pub fn parse_cpu(s: &str) -> Result<u64, QuantityError> {
    Quantity::parse(s)?.scaled_ceil(3, s)
}

/// Memory quantity → bytes (`256Mi`, `128M`, `1e3`, `1.5Gi`, `100k`, `1024`).
pub fn parse_memory(s: &str) -> Result<u64, QuantityError> {
    Quantity::parse(s)?.scaled_ceil(0, s)
}

/// `1200` → `1200m`; zero → `0`.
pub fn format_cpu(millicores: u64) -> String {
    if millicores == 0 {
        "0".to_string()
    } else {
        format!("{millicores}m")
    }
}

/// Bytes in the shortest exact binary or decimal form (`256Mi`, `2Gi`, `128M`), else an
/// approximation in the largest binary unit (`1.19Gi`).
pub fn format_memory(bytes: u64) -> String {
    const BIN: [(&str, u32); 6] = [
        ("Ei", 60),
        ("Pi", 50),
        ("Ti", 40),
        ("Gi", 30),
        ("Mi", 20),
        ("Ki", 10),
    ];
    const DEC: [(&str, u32); 6] = [
        ("E", 18),
        ("P", 15),
        ("T", 12),
        ("G", 9),
        ("M", 6),
        ("k", 3),
    ];
    if bytes == 0 {
        return "0".to_string();
    }
    let binary = BIN.iter().find_map(|&(unit, shift)| {
        let size = 1u64 << shift;
        (bytes >= size && bytes.is_multiple_of(size)).then(|| format!("{}{unit}", bytes / size))
    });
    let decimal = DEC.iter().find_map(|&(unit, exp)| {
        let size = 10u64.pow(exp);
        (bytes >= size && bytes.is_multiple_of(size)).then(|| format!("{}{unit}", bytes / size))
    });
    match (binary, decimal) {
        (Some(b), Some(d)) => return if d.len() < b.len() { d } else { b },
        (Some(x), None) | (None, Some(x)) => return x,
        (None, None) => {}
    }
    for (unit, shift) in BIN {
        let size = 1u64 << shift;
        if bytes >= size {
            return format!("{:.2}{unit}", bytes as f64 / size as f64);
        }
    }
    bytes.to_string()
}
