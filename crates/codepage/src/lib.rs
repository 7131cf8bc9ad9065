//! Single-byte code pages for Tandem: EBCDIC 500, 273, 1141 and Latin-1, to
//! Unicode and back. Line data and AFP (TLE values, names) share them.
//!
//! ```
//! use tandem_codepage::Encoding;
//!
//! let cp = Encoding::from_cpgid(273).unwrap();
//! assert_eq!(cp.decode(&[0xC0, 0xF1]), "ä1");
//! assert_eq!(cp.encode("ä1"), Some(vec![0xC0, 0xF1]));
//! ```
//!
//! The EBCDIC tables are written out here; `tests/it.rs` checks all 256 code
//! points of each against `tests/fixtures/codepages.json`, which
//! `scripts/make-linedata-fixtures.py` writes from Python's `cp500` and
//! `cp273` codecs (Python has no `cp1141`; it is `cp273` with the euro sign at
//! X'9F' instead of the currency sign, CCSID 1141 = 273 + euro).

use serde::{Deserialize, Serialize};

/// How the bytes of a record's text (and of an ASA control character) are
/// encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Encoding {
    /// EBCDIC code page 500 (International Latin-1).
    #[serde(rename = "ebcdic-500", alias = "cp500")]
    Ebcdic500,
    /// EBCDIC code page 273 (Germany/Austria).
    #[serde(rename = "ebcdic-273", alias = "cp273")]
    Ebcdic273,
    /// EBCDIC code page 1141 (273 with the euro sign at X'9F').
    #[serde(rename = "ebcdic-1141", alias = "cp1141")]
    Ebcdic1141,
    /// ISO 8859-1: each byte is the Unicode code point of the same value.
    #[serde(rename = "latin-1", alias = "latin1", alias = "iso-8859-1")]
    Latin1,
}

impl Encoding {
    /// The 256-entry translation table of this encoding.
    pub fn table(self) -> &'static [char; 256] {
        match self {
            Encoding::Ebcdic500 => &CP500,
            Encoding::Ebcdic273 => &CP273,
            Encoding::Ebcdic1141 => &CP1141,
            Encoding::Latin1 => &LATIN1,
        }
    }

    /// The character a byte stands for.
    pub fn decode_byte(self, byte: u8) -> char {
        self.table()[usize::from(byte)]
    }

    /// The byte of the blank (space) character: X'40' in EBCDIC, X'20' in Latin-1.
    pub fn space(self) -> u8 {
        match self {
            Encoding::Latin1 => 0x20,
            _ => 0x40,
        }
    }

    /// Decodes `bytes` and appends the characters to `out`.
    pub fn decode_into(self, bytes: &[u8], out: &mut String) {
        let table = self.table();
        out.reserve(bytes.len());
        for &b in bytes {
            out.push(table[usize::from(b)]);
        }
    }

    /// The encoding of an IBM code page global id (CPGID), e.g. from a
    /// Coded Graphic Character Set Global ID triplet: 500, 273 or 1141 (and
    /// 819 for ISO 8859-1). `None` for any other.
    pub fn from_cpgid(cpgid: u16) -> Option<Encoding> {
        match cpgid {
            500 => Some(Encoding::Ebcdic500),
            273 => Some(Encoding::Ebcdic273),
            1141 => Some(Encoding::Ebcdic1141),
            819 => Some(Encoding::Latin1),
            _ => None,
        }
    }

    /// The IBM code page global id of this encoding.
    pub fn cpgid(self) -> u16 {
        match self {
            Encoding::Ebcdic500 => 500,
            Encoding::Ebcdic273 => 273,
            Encoding::Ebcdic1141 => 1141,
            Encoding::Latin1 => 819,
        }
    }

    /// Encodes `text`; `None` when a character has no byte in this code page.
    pub fn encode(self, text: &str) -> Option<Vec<u8>> {
        let table = self.table();
        text.chars()
            .map(|c| {
                table
                    .iter()
                    .position(|&t| t == c)
                    .and_then(|b| u8::try_from(b).ok())
            })
            .collect()
    }

    /// Decodes `bytes` into a new string.
    pub fn decode(self, bytes: &[u8]) -> String {
        let mut s = String::new();
        self.decode_into(bytes, &mut s);
        s
    }
}

/// Latin-1: identity.
const LATIN1: [char; 256] = {
    let mut t = ['\0'; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i as u8 as char;
        i += 1;
    }
    t
};

/// EBCDIC code page 500 (CCSID 500), row by row (high nibble).
#[rustfmt::skip]
const CP500: [char; 256] = [
    /* 0_ */ '\u{00}', '\u{01}', '\u{02}', '\u{03}', '\u{9C}', '\u{09}', '\u{86}', '\u{7F}', '\u{97}', '\u{8D}', '\u{8E}', '\u{0B}', '\u{0C}', '\u{0D}', '\u{0E}', '\u{0F}',
    /* 1_ */ '\u{10}', '\u{11}', '\u{12}', '\u{13}', '\u{9D}', '\u{85}', '\u{08}', '\u{87}', '\u{18}', '\u{19}', '\u{92}', '\u{8F}', '\u{1C}', '\u{1D}', '\u{1E}', '\u{1F}',
    /* 2_ */ '\u{80}', '\u{81}', '\u{82}', '\u{83}', '\u{84}', '\u{0A}', '\u{17}', '\u{1B}', '\u{88}', '\u{89}', '\u{8A}', '\u{8B}', '\u{8C}', '\u{05}', '\u{06}', '\u{07}',
    /* 3_ */ '\u{90}', '\u{91}', '\u{16}', '\u{93}', '\u{94}', '\u{95}', '\u{96}', '\u{04}', '\u{98}', '\u{99}', '\u{9A}', '\u{9B}', '\u{14}', '\u{15}', '\u{9E}', '\u{1A}',
    /* 4_ */ ' ', '\u{A0}', 'â', 'ä', 'à', 'á', 'ã', 'å', 'ç', 'ñ', '[', '.', '<', '(', '+', '!',
    /* 5_ */ '&', 'é', 'ê', 'ë', 'è', 'í', 'î', 'ï', 'ì', 'ß', ']', '$', '*', ')', ';', '^',
    /* 6_ */ '-', '/', 'Â', 'Ä', 'À', 'Á', 'Ã', 'Å', 'Ç', 'Ñ', '¦', ',', '%', '_', '>', '?',
    /* 7_ */ 'ø', 'É', 'Ê', 'Ë', 'È', 'Í', 'Î', 'Ï', 'Ì', '`', ':', '#', '@', '\'', '=', '"',
    /* 8_ */ 'Ø', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', '«', '»', 'ð', 'ý', 'þ', '±',
    /* 9_ */ '°', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 'ª', 'º', 'æ', '¸', 'Æ', '¤',
    /* A_ */ 'µ', '~', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '¡', '¿', 'Ð', 'Ý', 'Þ', '®',
    /* B_ */ '¢', '£', '¥', '·', '©', '§', '¶', '¼', '½', '¾', '¬', '|', '¯', '¨', '´', '×',
    /* C_ */ '{', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', '\u{AD}', 'ô', 'ö', 'ò', 'ó', 'õ',
    /* D_ */ '}', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', '¹', 'û', 'ü', 'ù', 'ú', 'ÿ',
    /* E_ */ '\\', '÷', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '²', 'Ô', 'Ö', 'Ò', 'Ó', 'Õ',
    /* F_ */ '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '³', 'Û', 'Ü', 'Ù', 'Ú', '\u{9F}',
];

/// EBCDIC code page 273 (Germany/Austria): code page 500 with the German
/// national characters moved onto the positions of brackets, braces, `@`,
/// `\`, `~` and `¦`, and the displaced characters moved to where the umlauts
/// were.
const CP273: [char; 256] = {
    let mut t = CP500;
    t[0x43] = '{';
    t[0x4A] = 'Ä';
    t[0x59] = '~';
    t[0x5A] = 'Ü';
    t[0x63] = '[';
    t[0x6A] = 'ö';
    t[0x7C] = '§';
    t[0xA1] = 'ß';
    t[0xB5] = '@';
    t[0xBC] = '\u{203E}'; // overline
    t[0xC0] = 'ä';
    t[0xCC] = '¦';
    t[0xD0] = 'ü';
    t[0xDC] = '}';
    t[0xE0] = 'Ö';
    t[0xEC] = '\\';
    t[0xFC] = ']';
    t
};

/// EBCDIC code page 1141: code page 273 with the euro sign at X'9F'.
const CP1141: [char; 256] = {
    let mut t = CP273;
    t[0x9F] = '€';
    t
};

/// Encodes a character in PDF's WinAnsiEncoding (Windows-1252): the byte for
/// the standard Courier fonts. Control characters become a space, characters
/// the encoding lacks a `?`.
pub fn win_ansi(c: char) -> u8 {
    let u = u32::from(c);
    match u {
        0x20..=0x7E => u as u8,
        0xA0..=0xFF => u as u8,
        0x00..=0x1F | 0x7F..=0x9F => b' ',
        _ => match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            '\u{203E}' => 0xAF, // overline prints as macron
            _ => b'?',
        },
    }
}
