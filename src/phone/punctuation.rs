//! The punctuation people put between a number's digits: libphonenumber-js's
//! `VALID_PUNCTUATION` (dashes, slashes, dots, white space, brackets, tildes).
//!
//! Self-contained on purpose: the parser (`input.rs`) skips these characters, and
//! `cargo xtask gen-phone` includes this same file (by `#[path]`) to turn them into
//! spaces in the format templates, as `applyInternationalSeparatorStyle` does.

/// Whether `c` is punctuation a number may contain between its digits.
pub(crate) fn is_punctuation(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{30FC}'
                | '\u{FF0D}'
                | '/'
                | '\u{FF0F}'
                | '.'
                | '\u{FF0E}'
                | ' '
                | '\u{00A0}'
                | '\u{00AD}'
                | '\u{200B}'
                | '\u{2060}'
                | '\u{3000}'
                | '('
                | ')'
                | '['
                | ']'
                | '\u{FF08}'
                | '\u{FF09}'
                | '\u{FF3B}'
                | '\u{FF3D}'
                | '~'
                | '\u{2053}'
                | '\u{223C}'
                | '\u{FF5E}'
    )
}
