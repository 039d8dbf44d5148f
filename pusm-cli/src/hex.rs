//! The hex view of `pusm inspect`, built chunk by chunk so a whole data file
//! can be shown without holding it in memory.

use std::fmt::Write as _;

/// A hex view, 16 bytes per line with the printable ASCII beside them; runs
/// of identical lines are shown once, then `*`, as `hexdump -C` does.
#[derive(Debug, Default)]
pub struct HexDump {
    offset: u64,
    previous: Option<[u8; 16]>,
    starred: bool,
    pending: Vec<u8>,
}

impl HexDump {
    /// A view whose first byte is at `offset` of its file.
    #[must_use]
    pub fn new(offset: u64) -> HexDump {
        HexDump {
            offset,
            ..HexDump::default()
        }
    }

    /// Adds `bytes`; returns the lines they complete.
    pub fn push(&mut self, bytes: &[u8]) -> String {
        let mut out = String::new();
        self.pending.extend_from_slice(bytes);
        let whole = self.pending.len() / 16 * 16;
        let lines: Vec<u8> = self.pending.drain(..whole).collect();
        for line in lines.chunks(16) {
            self.line(line, &mut out);
        }
        out
    }

    /// The last partial line and the offset past the end.
    #[must_use]
    pub fn finish(mut self) -> String {
        let mut out = String::new();
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.line(&rest, &mut out);
        }
        let _ = writeln!(out, "{:08x}", self.offset);
        out
    }

    fn line(&mut self, line: &[u8], out: &mut String) {
        let full: Option<[u8; 16]> = line.try_into().ok();
        if full.is_some() && self.previous == full {
            if !self.starred {
                out.push_str("*\n");
                self.starred = true;
            }
            self.offset += 16;
            return;
        }
        self.previous = full;
        self.starred = false;
        let _ = write!(out, "{:08x} ", self.offset);
        for column in 0..16 {
            if column == 8 {
                out.push(' ');
            }
            match line.get(column) {
                Some(byte) => {
                    let _ = write!(out, " {byte:02x}");
                }
                None => out.push_str("   "),
            }
        }
        out.push_str("  |");
        out.extend(line.iter().map(|&byte| {
            if byte.is_ascii_graphic() || byte == b' ' {
                char::from(byte)
            } else {
                '.'
            }
        }));
        out.push_str("|\n");
        self.offset += line.len() as u64;
    }
}

/// The hex view of `bytes`, which start at `start` in their file; ends with
/// the offset past the end.
#[must_use]
pub fn hexdump(bytes: &[u8], start: u64) -> String {
    let mut dump = HexDump::new(start);
    let mut out = dump.push(bytes);
    out.push_str(&dump.finish());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hexdump_collapses_repeated_lines() {
        let mut bytes = vec![0u8; 64];
        bytes[0] = b'A';
        bytes.extend_from_slice(b"hi");
        let dump = hexdump(&bytes, 0);
        assert_eq!(
            dump,
            "00000000  41 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |A...............|\n\
             00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n\
             *\n\
             00000040  68 69                                             |hi|\n\
             00000042\n"
        );
    }

    #[test]
    fn chunks_give_the_same_view_as_one_piece() {
        let mut bytes = vec![7u8; 100];
        bytes.extend(0..=255u8);
        bytes.extend(vec![0u8; 70]);
        let whole = hexdump(&bytes, 0);
        for size in [1, 5, 16, 17, 64] {
            let mut dump = HexDump::new(0);
            let mut out = String::new();
            for chunk in bytes.chunks(size) {
                out.push_str(&dump.push(chunk));
            }
            out.push_str(&dump.finish());
            assert_eq!(out, whole, "chunks of {size}");
        }
    }
}
