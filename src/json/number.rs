//! Reading a [`Number`]'s literal text as an integer, in decimal (no floating point).

use super::Number;

impl Number {
    /// The literal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value when it is an integer that fits (`7`, `-3`, also `7.0` and `7e2`).
    pub fn as_i64(&self) -> Option<i64> {
        let d = self.decimal()?;
        if d.frac_nonzero {
            return None;
        }
        d.int
    }

    /// The value when it is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_i64().and_then(|v| u64::try_from(v).ok())
    }

    /// The integer part (toward zero) and whether a non-zero fraction was cut off; `None`
    /// when the integer part does not fit in an `i64`.
    pub fn trunc(&self) -> Option<(i64, bool)> {
        let d = self.decimal()?;
        Some((d.int?, d.frac_nonzero))
    }

    /// Seconds as a count: non-negative numbers, a fraction rounds up (`1.2` → 2).
    pub fn as_ceil_u64(&self) -> Option<u64> {
        let (int, frac) = self.trunc()?;
        let int = u64::try_from(int).ok()?;
        if self.0.starts_with('-') && (int > 0 || frac) {
            return None;
        }
        Some(if frac { int.saturating_add(1) } else { int })
    }

    fn decimal(&self) -> Option<Decimal> {
        decimal(&self.0)
    }
}

struct Decimal {
    /// The integer part (toward zero), `None` on overflow.
    int: Option<i64>,
    frac_nonzero: bool,
}

/// Splits a grammar-checked number literal into integer part and "has a fraction",
/// applying the exponent in decimal (no floating point).
fn decimal(text: &str) -> Option<Decimal> {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(at) => {
            let e = rest.get(at + 1..)?;
            let e = e.strip_prefix('+').unwrap_or(e);
            // Exponents beyond a few hundred only matter for zero/overflow.
            let e: i64 = crate::text::parse_i64(e).or_else(|| {
                let neg = e.starts_with('-');
                Some(if neg { -1000 } else { 1000 })
            })?;
            (rest.get(..at)?, e.clamp(-1000, 1000))
        }
        None => (rest, 0),
    };
    let (ip, fp) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // All digits, with the decimal point moved by `exp`.
    let digits = ip.bytes().chain(fp.bytes());
    let point = ip.len() as i64 + exp;
    let mut int: Option<i64> = Some(0);
    let mut frac_nonzero = false;
    let mut count: i64 = 0;
    for b in digits {
        let d = i64::from(b.wrapping_sub(b'0') % 10);
        if count < point {
            int = int
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(d));
        } else if d != 0 {
            frac_nonzero = true;
        }
        count += 1;
    }
    while count < point {
        int = int.and_then(|v| v.checked_mul(10));
        if int == Some(0) {
            break;
        }
        count += 1;
    }
    let int = if neg { int.map(|v| -v) } else { int };
    Some(Decimal { int, frac_nonzero })
}
