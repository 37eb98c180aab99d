//! Rows kept compactly, for an answer too big to hold as `Rows`: a month's register at a
//! million tickets has ~100k rows of ~60 cells, and a `String` per cell (24 bytes, and
//! an allocation each) costs five times the text. Here each row is one allocation: its
//! cells, each after its length as a LEB128 varint (a cell may hold any character, so no
//! separator would do).

use crate::output::Rows;

/// A row's cells in one allocation (see the module).
pub type Packed = Box<[u8]>;

/// `cells` packed into one allocation.
pub fn pack(cells: &[String]) -> Packed {
    let size: usize = cells.iter().map(|c| c.len() + varint_len(c.len())).sum();
    let mut out = Vec::with_capacity(size);
    for c in cells {
        let mut n = c.len();
        while n >= 0x80 {
            out.push((n & 0x7f) as u8 | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
        out.extend_from_slice(c.as_bytes());
    }
    out.into_boxed_slice()
}

fn varint_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

/// The cells of a packed row, in order.
pub fn cells(row: &[u8]) -> impl Iterator<Item = &str> {
    let mut rest = row;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (mut n, mut shift, mut i) = (0usize, 0, 0);
        loop {
            let b = rest[i];
            n |= usize::from(b & 0x7f) << shift;
            i += 1;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        let (cell, tail) = rest[i..].split_at(n);
        rest = tail;
        Some(std::str::from_utf8(cell).expect("packed from a str"))
    })
}

/// Rows whose cells are [`Packed`], under the columns (and numeric marks) of a `Rows`.
#[derive(Debug, Clone)]
pub struct PackedRows {
    /// The columns and numeric marks; no rows.
    pub head: Rows,
    pub rows: Vec<Packed>,
}

impl PackedRows {
    pub fn new(head: Rows) -> PackedRows {
        PackedRows {
            head,
            rows: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Rows `range` as `Rows`: a few at a time for a writer that streams, all of them for
    /// one that needs the whole table.
    pub fn unpack(&self, range: std::ops::Range<usize>) -> Rows {
        let mut out = self.head.clone();
        out.rows = self.rows[range]
            .iter()
            .map(|r| cells(r).map(String::from).collect())
            .collect();
        out
    }

    pub fn to_rows(&self) -> Rows {
        self.unpack(0..self.rows.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_come_back_as_packed_whatever_their_length_or_content() {
        let long = "长".repeat(100);
        let row: Vec<String> = ["", "a", "x\u{0}y\u{1f}", long.as_str(), ""]
            .map(String::from)
            .to_vec();
        let packed = pack(&row);
        assert_eq!(packed.len(), 1 + 2 + 5 + 2 + 300 + 1);
        assert_eq!(cells(&packed).collect::<Vec<_>>(), row);
        assert_eq!(cells(&pack(&[])).count(), 0);
    }
}
