//! BCOCA bar code objects: the Bar Code Data Descriptor (BDD), the Bar Code
//! Data (BDA) and a builder for a complete Data Matrix object.
//!
//! Layouts (byte offsets inside the field data) follow the field order of
//! afplib's generated classes (yan74/afplib `org.afplib/src-gen/org/afplib/
//! afplib/BDD.java`, `BDA.java`), IBM's "Data Matrix Special-Function
//! Parameters" table (z/OS PPFA documentation, ib6p9apd6.htm) and the bytes
//! of the real sample `afplib-start-inserter-dm-notruetype.afp`:
//!
//! BDD (23 bytes, optional triplets after them are not read):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 1 | unit base (X'00' = 10 inches, X'01' = 10 cm) |
//! | 1 | 1 | reserved |
//! | 2, 4 | 2 + 2 | units per unit base, X and Y |
//! | 6, 8 | 2 + 2 | presentation space width and length (X'FFFF' = default) |
//! | 10 | 2 | desired symbol width (afplib: reserved; the sample has 0) |
//! | 12 | 1 | bar code type (symbology) |
//! | 13 | 1 | modifier |
//! | 14 | 1 | font local id for HRI (X'FF' = default) |
//! | 15 | 2 | colour (OCA colour value) |
//! | 17 | 1 | module width in mils |
//! | 18 | 2 | element height (X'FFFF' = default) |
//! | 20 | 1 | height multiplier |
//! | 21 | 2 | wide-to-narrow ratio (X'FFFF' = default) |
//!
//! BDA: flags (1), X and Y of the symbol origin in the object area (2 + 2),
//! symbology-specific parameters (Data Matrix: 10 bytes, see
//! [`DataMatrixParameters`]), then the bar code data.

use crate::error::AfpError;
use crate::structure::TextUnits;

/// Bar code type X'01': Code 39 (3-of-9), AIM USS-39.
pub const SYMBOLOGY_CODE39: u8 = 0x01;
/// Bar code type X'02': MSI (modified Plessey).
pub const SYMBOLOGY_MSI: u8 = 0x02;
/// Bar code type X'03': UPC/CGPC version A.
pub const SYMBOLOGY_UPC_A: u8 = 0x03;
/// Bar code type X'05': UPC/CGPC version E.
pub const SYMBOLOGY_UPC_E: u8 = 0x05;
/// Bar code type X'08': EAN-8.
pub const SYMBOLOGY_EAN8: u8 = 0x08;
/// Bar code type X'09': EAN-13.
pub const SYMBOLOGY_EAN13: u8 = 0x09;
/// Bar code type X'0C': Interleaved 2-of-5, AIM USS-I 2/5.
pub const SYMBOLOGY_INTERLEAVED_2OF5: u8 = 0x0C;
/// Bar code type X'0D': Codabar (2-of-7).
pub const SYMBOLOGY_CODABAR: u8 = 0x0D;
/// Bar code type X'11' (decimal 17): Code 128, AIM USS-128.
pub const SYMBOLOGY_CODE128: u8 = 0x11;
/// Bar code type X'18': POSTNET.
pub const SYMBOLOGY_POSTNET: u8 = 0x18;
/// Bar code type X'1A': RM4SCC.
pub const SYMBOLOGY_RM4SCC: u8 = 0x1A;
/// Bar code type X'1C': Data Matrix (two-dimensional).
pub const SYMBOLOGY_DATA_MATRIX: u8 = 0x1C;
/// Bar code type X'1D': MaxiCode (two-dimensional).
pub const SYMBOLOGY_MAXICODE: u8 = 0x1D;
/// Bar code type X'1E': PDF417 (two-dimensional).
pub const SYMBOLOGY_PDF417: u8 = 0x1E;
/// Bar code type X'20': QR Code (two-dimensional).
pub const SYMBOLOGY_QR_CODE: u8 = 0x20;
/// Bar code type X'22': USPS Four-State (Intelligent Mail).
pub const SYMBOLOGY_USPS_FOUR_STATE: u8 = 0x22;

/// BDA flag bit 0 (X'80'): do not present human-readable interpretation.
pub const BDA_FLAG_NO_HRI: u8 = 0x80;
/// BDA flag bit 5 (X'04'): suppress the symbol itself (HRI only).
pub const BDA_FLAG_SUPPRESS_SYMBOL: u8 = 0x04;

/// Data Matrix control flag bit 0 (X'80'): the receiver translates the data
/// from EBCDIC code page 500 to ASCII before encoding.
pub const DM_CONTROL_EBCDIC_TO_ASCII: u8 = 0x80;
/// Data Matrix control flag bit 1 (X'40'): backslashes in the data are plain
/// data, not escape sequences.
pub const DM_CONTROL_NO_ESCAPES: u8 = 0x40;

/// Length of the fixed BDD data.
const BDD_LEN: usize = 23;
/// Length of the BDA's flags and coordinates.
const BDA_HEAD_LEN: usize = 5;
/// Length of the Data Matrix special-function parameters.
const DM_PARAMS_LEN: usize = 10;

fn be16(data: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([data[at], data[at + 1]])
}

/// A decoded Bar Code Data Descriptor (BDD).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarCodeDescriptor {
    /// Unit base: X'00' = 10 inches, X'01' = 10 centimetres.
    pub unit_base: u8,
    /// Units per unit base in X.
    pub units_per_unit_base_x: u16,
    /// Units per unit base in Y.
    pub units_per_unit_base_y: u16,
    /// Width of the bar code presentation space (X'FFFF' = default).
    pub presentation_width: u16,
    /// Length of the bar code presentation space (X'FFFF' = default).
    pub presentation_length: u16,
    /// Desired symbol width (0 when not given).
    pub desired_symbol_width: u16,
    /// Bar code type, e.g. [`SYMBOLOGY_DATA_MATRIX`].
    pub symbology: u8,
    /// Symbology modifier (check digits, variants).
    pub modifier: u8,
    /// Local id of the font for HRI (X'FF' = default font).
    pub font_lid: u8,
    /// OCA colour value of the symbol.
    pub color: u16,
    /// Module width in mils (thousandths of an inch); X'FF' = default.
    pub module_width_mils: u8,
    /// Element (bar) height in units (X'FFFF' = default).
    pub element_height: u16,
    /// Multiplier applied to the element height.
    pub height_multiplier: u8,
    /// Wide-to-narrow ratio (X'FFFF' = default).
    pub wide_to_narrow_ratio: u16,
}

impl BarCodeDescriptor {
    /// A Data Matrix descriptor with the sample's defaults: unit base 10
    /// inches, default presentation space, default font and colour, default
    /// element height and ratio, multiplier 1.
    pub fn data_matrix(units: TextUnits, module_width_mils: u8) -> Self {
        BarCodeDescriptor {
            unit_base: units.unit_base,
            units_per_unit_base_x: units.x_per_base,
            units_per_unit_base_y: units.y_per_base,
            presentation_width: 0xFFFF,
            presentation_length: 0xFFFF,
            desired_symbol_width: 0,
            symbology: SYMBOLOGY_DATA_MATRIX,
            modifier: 0,
            font_lid: 0xFF,
            color: 0x0000,
            module_width_mils,
            element_height: 0xFFFF,
            height_multiplier: 1,
            wide_to_narrow_ratio: 0xFFFF,
        }
    }

    /// Decodes BDD field data; bytes after the fixed 23 (triplets) are
    /// ignored.
    pub fn parse(data: &[u8]) -> Result<Self, AfpError> {
        if data.len() < BDD_LEN {
            return Err(AfpError::BadBarCodeField {
                field: "BDD",
                offset: data.len(),
                what: format!("data ends after {} of {BDD_LEN} bytes", data.len()),
            });
        }
        Ok(BarCodeDescriptor {
            unit_base: data[0],
            units_per_unit_base_x: be16(data, 2),
            units_per_unit_base_y: be16(data, 4),
            presentation_width: be16(data, 6),
            presentation_length: be16(data, 8),
            desired_symbol_width: be16(data, 10),
            symbology: data[12],
            modifier: data[13],
            font_lid: data[14],
            color: be16(data, 15),
            module_width_mils: data[17],
            element_height: be16(data, 18),
            height_multiplier: data[20],
            wide_to_narrow_ratio: be16(data, 21),
        })
    }

    /// The BDD field data (23 bytes, reserved byte 0).
    pub fn encode(&self) -> Vec<u8> {
        let mut d = Vec::with_capacity(BDD_LEN);
        d.extend_from_slice(&[self.unit_base, 0]);
        for v in [
            self.units_per_unit_base_x,
            self.units_per_unit_base_y,
            self.presentation_width,
            self.presentation_length,
            self.desired_symbol_width,
        ] {
            d.extend_from_slice(&v.to_be_bytes());
        }
        d.extend_from_slice(&[self.symbology, self.modifier, self.font_lid]);
        d.extend_from_slice(&self.color.to_be_bytes());
        d.push(self.module_width_mils);
        d.extend_from_slice(&self.element_height.to_be_bytes());
        d.push(self.height_multiplier);
        d.extend_from_slice(&self.wide_to_narrow_ratio.to_be_bytes());
        d
    }
}

/// The Data Matrix special-function parameters of a BDA (10 bytes after the
/// coordinates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DataMatrixParameters {
    /// Control flags, see [`DM_CONTROL_EBCDIC_TO_ASCII`] and
    /// [`DM_CONTROL_NO_ESCAPES`].
    pub control_flags: u8,
    /// Desired row size, i.e. modules per row (columns); 0 = receiver
    /// chooses.
    pub row_size: u16,
    /// Desired number of rows; 0 = receiver chooses.
    pub rows: u16,
    /// Structured-append sequence indicator (0 = not structured append).
    pub sequence_indicator: u8,
    /// Total number of structured-append symbols.
    pub total_symbols: u8,
    /// High byte of the structured-append file id.
    pub file_id_1: u8,
    /// Low byte of the structured-append file id.
    pub file_id_2: u8,
    /// Special-function flags (FNC1 alternate data types, reader
    /// programming, macros).
    pub special_function_flags: u8,
}

impl DataMatrixParameters {
    fn parse(d: &[u8]) -> Self {
        DataMatrixParameters {
            control_flags: d[0],
            row_size: be16(d, 1),
            rows: be16(d, 3),
            sequence_indicator: d[5],
            total_symbols: d[6],
            file_id_1: d[7],
            file_id_2: d[8],
            special_function_flags: d[9],
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.control_flags);
        out.extend_from_slice(&self.row_size.to_be_bytes());
        out.extend_from_slice(&self.rows.to_be_bytes());
        out.extend_from_slice(&[
            self.sequence_indicator,
            self.total_symbols,
            self.file_id_1,
            self.file_id_2,
            self.special_function_flags,
        ]);
    }
}

/// A decoded Bar Code Data (BDA) field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarCodeData<'a> {
    /// Flags, see [`BDA_FLAG_NO_HRI`] and [`BDA_FLAG_SUPPRESS_SYMBOL`].
    pub flags: u8,
    /// X coordinate of the symbol origin in the bar code presentation space.
    pub x: u16,
    /// Y coordinate of the symbol origin in the bar code presentation space.
    pub y: u16,
    /// The Data Matrix parameters (present exactly for Data Matrix).
    pub data_matrix: Option<DataMatrixParameters>,
    /// The bar code data. For MaxiCode, PDF417 and QR Code the
    /// symbology-specific parameters are not decoded and stay in front.
    pub data: &'a [u8],
}

impl<'a> BarCodeData<'a> {
    /// Decodes BDA field data for the bar code type `symbology` (from the
    /// object's BDD).
    pub fn parse(data: &'a [u8], symbology: u8) -> Result<Self, AfpError> {
        let need = if symbology == SYMBOLOGY_DATA_MATRIX {
            BDA_HEAD_LEN + DM_PARAMS_LEN
        } else {
            BDA_HEAD_LEN
        };
        if data.len() < need {
            return Err(AfpError::BadBarCodeField {
                field: "BDA",
                offset: data.len(),
                what: format!("data ends after {} of at least {need} bytes", data.len()),
            });
        }
        let data_matrix = (symbology == SYMBOLOGY_DATA_MATRIX)
            .then(|| DataMatrixParameters::parse(&data[BDA_HEAD_LEN..need]));
        Ok(BarCodeData {
            flags: data[0],
            x: be16(data, 1),
            y: be16(data, 3),
            data_matrix,
            data: &data[need..],
        })
    }

    /// The BDA field data.
    pub fn encode(&self) -> Vec<u8> {
        let mut d = Vec::with_capacity(BDA_HEAD_LEN + DM_PARAMS_LEN + self.data.len());
        d.push(self.flags);
        d.extend_from_slice(&self.x.to_be_bytes());
        d.extend_from_slice(&self.y.to_be_bytes());
        if let Some(p) = &self.data_matrix {
            p.encode(&mut d);
        }
        d.extend_from_slice(self.data);
        d
    }
}

/// Square ECC 200 symbol sizes (modules per side) with their data codeword
/// capacity (ISO/IEC 16022 table 7).
const DM_SQUARE_SIZES: [(u16, usize); 24] = [
    (10, 3),
    (12, 5),
    (14, 8),
    (16, 12),
    (18, 18),
    (20, 22),
    (22, 30),
    (24, 36),
    (26, 44),
    (32, 62),
    (36, 86),
    (40, 114),
    (44, 144),
    (48, 174),
    (52, 204),
    (64, 280),
    (72, 368),
    (80, 456),
    (88, 576),
    (96, 696),
    (104, 816),
    (120, 1050),
    (132, 1304),
    (144, 1558),
];

/// Data codewords `text` needs in ASCII encodation: a pair of digits makes
/// one codeword, other bytes below 128 one, bytes from 128 two (upper shift).
fn ascii_codewords(text: &[u8]) -> Vec<usize> {
    // Running count after each input byte, so an error can name the byte
    // where the capacity runs out.
    let mut counts = Vec::with_capacity(text.len());
    let mut n = 0;
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_digit() && text.get(i + 1).is_some_and(u8::is_ascii_digit) {
            n += 1;
            counts.extend([n, n]);
            i += 2;
        } else {
            n += if text[i] < 128 { 1 } else { 2 };
            counts.push(n);
            i += 1;
        }
    }
    counts
}

/// The smallest square Data Matrix (modules per side) that holds `text` in
/// ASCII encodation.
///
/// The receiver may encode more compactly; asking for this size is what the
/// sample does (34 digits = 17 codewords → 18×18).
pub fn data_matrix_square_size(text: &[u8]) -> Result<u16, AfpError> {
    let counts = ascii_codewords(text);
    let need = counts.last().copied().unwrap_or(0);
    let max = DM_SQUARE_SIZES[DM_SQUARE_SIZES.len() - 1].1;
    match DM_SQUARE_SIZES.iter().find(|(_, cap)| *cap >= need) {
        Some((side, _)) => Ok(*side),
        None => Err(AfpError::BadBarCodeInput {
            input: "data",
            offset: counts.iter().position(|&c| c > max).unwrap_or(0),
            what: "more than the 1558 data codewords of a 144x144 Data Matrix",
        }),
    }
}

/// EBCDIC bytes of an object name of 1 to 8 characters A–Z, 0–9, padded
/// with EBCDIC blanks (X'40').
fn ebcdic_name(name: &str) -> Result<[u8; 8], AfpError> {
    let bad = |offset, what| AfpError::BadBarCodeInput {
        input: "name",
        offset,
        what,
    };
    if name.is_empty() || name.len() > 8 {
        return Err(bad(name.len().min(8), "name must have 1 to 8 characters"));
    }
    let mut out = [0x40; 8];
    for (i, c) in name.bytes().enumerate() {
        out[i] = match c {
            b'A'..=b'I' => 0xC1 + (c - b'A'),
            b'J'..=b'R' => 0xD1 + (c - b'J'),
            b'S'..=b'Z' => 0xE2 + (c - b'S'),
            b'0'..=b'9' => 0xF0 + (c - b'0'),
            _ => return Err(bad(i, "only A-Z and 0-9 are allowed in a name")),
        };
    }
    Ok(out)
}

/// Appends one structured field: X'5A', length, X'D3' + `id`, flag 0,
/// reserved 0, data.
fn push_field(out: &mut Vec<u8>, id: [u8; 2], data: &[u8]) {
    // Callers keep data far below the 32,759 bytes a field can carry.
    let len = (8 + data.len()) as u16;
    out.push(0x5A);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&[0xD3, id[0], id[1], 0, 0, 0]);
    out.extend_from_slice(data);
}

fn be24(v: u32) -> [u8; 3] {
    let b = v.to_be_bytes();
    [b[1], b[2], b[3]]
}

/// A complete BCOCA Data Matrix object to include on a page (between BPG's
/// active environment group and EPG): BBC, BOG, OBD, OBP, MBC, BDD, EOG,
/// BDA, EBC.
///
/// `name` (1–8 of A–Z, 0–9, e.g. `"TDMX0001"`) names the object in BBC and
/// EBC. The object area is placed at (`x`, `y`) in the page's `units`
/// (OBD and BDD say the same units); the symbol sits at (1, 1) inside it, drawn with
/// modules of `module_mils` thousandths of an inch. The BDA asks for the
/// smallest square symbol that holds `text` in ASCII encodation (see
/// [`data_matrix_square_size`]); `text` is taken as ASCII as it is (no
/// EBCDIC translation), and when it contains a backslash escape processing
/// is switched off so the backslash stays data.
///
/// The field layout copies the corpus sample (afplib `start.afp`): OBD
/// with triplets X'43' (descriptor position 1), X'4B' (units, 10-inch base)
/// and X'4C' (object area size, 3-byte extents); OBP with position id 1,
/// 23-byte repeating group, orientation 0°/90° and reference coordinate
/// system X'01'; MBC with mapping option X'04' = X'00' (position). The
/// sample carries the MBC and MO:DCA requires it in a bar code object's
/// environment group, so it is written too.
pub fn data_matrix_object(
    name: &str,
    x: u16,
    y: u16,
    units: TextUnits,
    module_mils: u8,
    text: &[u8],
) -> Result<Vec<u8>, AfpError> {
    let ename = ebcdic_name(name)?;
    let side = data_matrix_square_size(text)?;
    // Object area: the symbol plus one module (rounded up) so that pel
    // rounding in the printer does not clip the last row or column. A mil
    // is 1/10,000 of ten inches, 254/10,000,000 of ten centimetres.
    let modules = (u64::from(side) + 1) * u64::from(module_mils);
    let extent = |per_base: u16| {
        let units = if units.unit_base == 1 {
            (modules * u64::from(per_base) * 254).div_ceil(10_000_000)
        } else {
            (modules * u64::from(per_base)).div_ceil(10_000)
        };
        be24(u32::try_from(units).unwrap_or(u32::MAX))
    };
    let (xe, ye) = (extent(units.x_per_base), extent(units.y_per_base));

    let mut out = Vec::with_capacity(200 + text.len());
    push_field(&mut out, [0xA8, 0xEB], &ename); // BBC
    push_field(&mut out, [0xA8, 0xC7], &[]); // BOG
    let (ux, uy) = (
        units.x_per_base.to_be_bytes(),
        units.y_per_base.to_be_bytes(),
    );
    let base = units.unit_base;
    let obd = [
        3, 0x43, 0x01, // descriptor position id 1
        8, 0x4B, base, base, ux[0], ux[1], uy[0], uy[1], // the page's units
        9, 0x4C, 0x02, xe[0], xe[1], xe[2], ye[0], ye[1], ye[2],
    ];
    push_field(&mut out, [0xA6, 0x6B], &obd); // OBD
    let (px, py) = (be24(u32::from(x)), be24(u32::from(y)));
    let obp = [
        0x01, 23, // position id, repeating group length
        px[0], px[1], px[2], py[0], py[1], py[2], // object area offset on the page
        0x00, 0x00, 0x2D, 0x00, // X axis 0°, Y axis 90°
        0x00, // reserved
        0, 0, 0, 0, 0, 0, // content offset in the object area
        0x00, 0x00, 0x2D, 0x00, // content orientation 0°/90°
        0x01, // reference coordinate system: the page's
    ];
    push_field(&mut out, [0xAC, 0x6B], &obp); // OBP
    push_field(&mut out, [0xAB, 0xEB], &[0x00, 0x05, 0x03, 0x04, 0x00]); // MBC
    let bdd = BarCodeDescriptor::data_matrix(units, module_mils);
    push_field(&mut out, [0xA6, 0xEB], &bdd.encode()); // BDD
    push_field(&mut out, [0xA9, 0xC7], &[]); // EOG
    let bda = BarCodeData {
        flags: BDA_FLAG_NO_HRI,
        // One unit in, as the corpus sample (a production inserter code).
        x: 1,
        y: 1,
        data_matrix: Some(DataMatrixParameters {
            control_flags: if text.contains(&b'\\') {
                DM_CONTROL_NO_ESCAPES
            } else {
                0
            },
            row_size: side,
            rows: side,
            ..DataMatrixParameters::default()
        }),
        data: text,
    };
    push_field(&mut out, [0xEE, 0xEB], &bda.encode()); // BDA
    push_field(&mut out, [0xA9, 0xEB], &ename); // EBC
    Ok(out)
}

#[cfg(test)]
mod tests {
    /// 240 units per inch, as Apache FOP writes pages.
    const U240: TextUnits = TextUnits {
        unit_base: 0,
        x_per_base: 2400,
        y_per_base: 2400,
    };
    use super::*;
    use crate::reader::{StructuredField, StructuredFields};
    use crate::triplet::Triplets;

    const DIGITS: &[u8] = b"0010010100641000055100000000000000";

    fn sample() -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus/afp/afplib-start-inserter-dm-notruetype.afp");
        std::fs::read(path).expect("corpus sample")
    }

    fn fields(bytes: &[u8]) -> Vec<StructuredField<'_>> {
        StructuredFields::new(bytes)
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn field<'a>(fs: &[StructuredField<'a>], name: &str) -> StructuredField<'a> {
        *fs.iter().find(|f| f.name() == name).unwrap()
    }

    fn triplet_ids(data: &[u8]) -> Vec<(u8, usize)> {
        Triplets::new(data)
            .map(|t| t.map(|t| (t.id, t.data.len())))
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn sample_bdd_and_bda() {
        let bytes = sample();
        let fs = fields(&bytes);
        let bdd = BarCodeDescriptor::parse(field(&fs, "BDD").data).unwrap();
        assert_eq!(bdd.symbology, SYMBOLOGY_DATA_MATRIX);
        assert_eq!(
            (
                bdd.unit_base,
                bdd.units_per_unit_base_x,
                bdd.module_width_mils
            ),
            (0, 3000, 16)
        );
        let bda = BarCodeData::parse(field(&fs, "BDA").data, bdd.symbology).unwrap();
        let dm = bda.data_matrix.unwrap();
        assert_eq!((dm.row_size, dm.rows), (18, 18));
        assert_eq!(bda.data, DIGITS);
        assert_eq!(bda.flags, BDA_FLAG_NO_HRI);
        // Our size choice agrees with the sample's request.
        assert_eq!(data_matrix_square_size(DIGITS).unwrap(), 18);
    }

    #[test]
    fn bdd_round_trip() {
        let bdd = BarCodeDescriptor {
            unit_base: 1,
            units_per_unit_base_x: 1000,
            units_per_unit_base_y: 2000,
            presentation_width: 300,
            presentation_length: 0xFFFF,
            desired_symbol_width: 77,
            symbology: SYMBOLOGY_CODE128,
            modifier: 2,
            font_lid: 3,
            color: 0x0008,
            module_width_mils: 10,
            element_height: 120,
            height_multiplier: 2,
            wide_to_narrow_ratio: 0x0300,
        };
        let d = bdd.encode();
        assert_eq!(d.len(), 23);
        assert_eq!(BarCodeDescriptor::parse(&d).unwrap(), bdd);
        // The sample's BDD data re-encodes byte for byte.
        let bytes = sample();
        let raw = field(&fields(&bytes), "BDD").data;
        assert_eq!(BarCodeDescriptor::parse(raw).unwrap().encode(), raw);
        let e = BarCodeDescriptor::parse(&d[..10]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "BDD data at byte 10: data ends after 10 of 23 bytes"
        );
    }

    #[test]
    fn bda_round_trip_and_errors() {
        let bytes = sample();
        let raw = field(&fields(&bytes), "BDA").data;
        let bda = BarCodeData::parse(raw, SYMBOLOGY_DATA_MATRIX).unwrap();
        assert_eq!(bda.encode(), raw);
        // Without extra parameters the data follows the coordinates.
        let linear = BarCodeData::parse(&[0, 0, 5, 0, 6, 0xF1, 0xF2], SYMBOLOGY_CODE39).unwrap();
        assert_eq!((linear.x, linear.y, linear.data), (5, 6, &[0xF1, 0xF2][..]));
        assert!(linear.data_matrix.is_none());
        assert_eq!(linear.encode(), [0, 0, 5, 0, 6, 0xF1, 0xF2]);
        let e = BarCodeData::parse(&raw[..12], SYMBOLOGY_DATA_MATRIX).unwrap_err();
        assert!(e.to_string().starts_with("BDA data at byte 12:"), "{e}");
        assert!(BarCodeData::parse(&[0, 0], SYMBOLOGY_CODE39).is_err());
    }

    #[test]
    fn built_object_reads_back() {
        let obj = data_matrix_object("TDMX0001", 45, 2220, U240, 16, DIGITS).unwrap();
        let fs = fields(&obj);
        let names: Vec<_> = fs.iter().map(|f| f.name()).collect();
        assert_eq!(
            names,
            [
                "BBC", "BOG", "OBD", "OBP", "MBC", "BDD", "EOG", "BDA", "EBC"
            ]
        );
        let tdmx = [0xE3, 0xC4, 0xD4, 0xE7, 0xF0, 0xF0, 0xF0, 0xF1];
        assert_eq!(field(&fs, "BBC").data, tdmx);
        assert_eq!(field(&fs, "EBC").data, tdmx);
        let bdd = BarCodeDescriptor::parse(field(&fs, "BDD").data).unwrap();
        assert_eq!(bdd, BarCodeDescriptor::data_matrix(U240, 16));
        let bda = BarCodeData::parse(field(&fs, "BDA").data, bdd.symbology).unwrap();
        assert_eq!(bda.data, DIGITS);
        assert_eq!((bda.x, bda.y), (1, 1));
        let dm = bda.data_matrix.unwrap();
        assert_eq!((dm.row_size, dm.rows, dm.control_flags), (18, 18, 0));
        // OBP places the object area at (45, 2220).
        let obp = field(&fs, "OBP").data;
        assert_eq!(
            (&obp[2..5], &obp[5..8]),
            (&[0, 0, 45][..], &[0, 0x08, 0xAC][..])
        );
        // Object area: 19 modules of 16 mils at 240/inch = 72.96 → 73.
        let obd = field(&fs, "OBD").data;
        assert_eq!(&obd[14..20], [0, 0, 73, 0, 0, 73]);
    }

    #[test]
    fn built_object_matches_sample_layout() {
        let bytes = sample();
        let sample_fs = fields(&bytes);
        let obj = data_matrix_object("INSDMBCP", 45, 2220, U240, 16, DIGITS).unwrap();
        let ours = fields(&obj);
        // Same fields, same lengths, from BBC to EBC.
        let start = sample_fs.iter().position(|f| f.name() == "BBC").unwrap();
        let end = sample_fs.iter().position(|f| f.name() == "EBC").unwrap();
        let theirs: Vec<_> = sample_fs[start..=end]
            .iter()
            .map(|f| (f.name(), f.length()))
            .collect();
        let mine: Vec<_> = ours.iter().map(|f| (f.name(), f.length())).collect();
        assert_eq!(mine, theirs);
        for name in ["BBC", "MBC", "EBC"] {
            assert_eq!(field(&ours, name).data, field(&sample_fs, name).data);
        }
        // Same OBD triplets (id, data length) and OBP bytes (the sample's
        // object area position happens to be ours).
        assert_eq!(
            triplet_ids(field(&ours, "OBD").data),
            triplet_ids(field(&sample_fs, "OBD").data)
        );
        assert_eq!(field(&ours, "OBP").data, field(&sample_fs, "OBP").data);
        // BDA: the same, symbol origin (1, 1) included.
        assert_eq!(field(&ours, "BDA").data, field(&sample_fs, "BDA").data);
    }

    #[test]
    fn sizes_and_input_errors() {
        assert_eq!(data_matrix_square_size(b"").unwrap(), 10);
        assert_eq!(data_matrix_square_size(b"123456").unwrap(), 10);
        assert_eq!(data_matrix_square_size(b"1234567").unwrap(), 12);
        assert_eq!(data_matrix_square_size(b"ABCD").unwrap(), 12);
        assert_eq!(data_matrix_square_size(&[0xE4; 4]).unwrap(), 14);
        assert_eq!(data_matrix_square_size(&[b'7'; 3116]).unwrap(), 144);
        let e = data_matrix_square_size(&[b'A'; 1600]).unwrap_err();
        assert!(
            e.to_string().starts_with("bar code data at byte 1558:"),
            "{e}"
        );
        let e = data_matrix_object("tdmx", 0, 0, U240, 16, b"1").unwrap_err();
        assert_eq!(
            e.to_string(),
            "bar code name at byte 0: only A-Z and 0-9 are allowed in a name"
        );
        assert!(data_matrix_object("", 0, 0, U240, 16, b"1").is_err());
        assert!(data_matrix_object("ABCDEFGHI", 0, 0, U240, 16, b"1").is_err());
        // Short names are blank-padded; a backslash turns escapes off.
        let obj = data_matrix_object("AJS9", 0, 0, U240, 16, b"a\\b").unwrap();
        let fs = fields(&obj);
        assert_eq!(
            field(&fs, "BBC").data,
            [0xC1, 0xD1, 0xE2, 0xF9, 0x40, 0x40, 0x40, 0x40]
        );
        let bda = BarCodeData::parse(field(&fs, "BDA").data, SYMBOLOGY_DATA_MATRIX).unwrap();
        assert_eq!(
            bda.data_matrix.unwrap().control_flags,
            DM_CONTROL_NO_ESCAPES
        );
    }
}
