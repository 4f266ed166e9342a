//! Small valid pictures made on the spot, so the tests need no files.

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let mut typed = kind.to_vec();
    typed.extend_from_slice(data);
    out.extend(&typed);
    out.extend(crc32(&typed).to_be_bytes());
}

/// A `w`×`h` RGB PNG shading from `from` (left) to `to` (right), its pixels
/// in stored (uncompressed) deflate blocks.
pub fn png(w: u32, h: u32, from: [u8; 3], to: [u8; 3]) -> Vec<u8> {
    let mut row = vec![0u8]; // filter: none
    for x in 0..w {
        for c in 0..3 {
            let (a, b) = (i64::from(from[c]), i64::from(to[c]));
            row.push((a + (b - a) * i64::from(x) / i64::from(w.max(2) - 1)) as u8);
        }
    }
    let raw = row.repeat(h as usize);
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let n = block.len() as u16;
        z.extend(n.to_le_bytes());
        z.extend((!n).to_le_bytes());
        z.extend_from_slice(block);
    }
    z.extend(adler32(&raw).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A mid-grey baseline JPEG of `w`×`h` (multiples of 8): one grey component,
/// every block's DC difference 0 and no AC coefficient, so each block codes
/// as two one-bit Huffman codes.
pub fn jpeg(w: u16, h: u16) -> Vec<u8> {
    assert!(w.is_multiple_of(8) && h.is_multiple_of(8) && w > 0 && h > 0);
    let mut j = vec![0xFF, 0xD8];
    j.extend([
        0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    ]);
    j.extend([0xFF, 0xDB, 0x00, 0x43, 0x00]);
    j.extend([1u8; 64]);
    j.extend([0xFF, 0xC0, 0x00, 0x0B, 0x08]);
    j.extend(h.to_be_bytes());
    j.extend(w.to_be_bytes());
    j.extend([0x01, 0x01, 0x11, 0x00]);
    for class in [0x00, 0x10] {
        // One code of length 1: category 0 (DC) or end-of-block (AC).
        j.extend([0xFF, 0xC4, 0x00, 0x14, class, 1]);
        j.extend([0u8; 15]);
        j.push(0x00);
    }
    j.extend([0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
    let blocks = usize::from(w / 8) * usize::from(h / 8);
    let bits = blocks * 2;
    let mut scan = vec![0u8; bits.div_ceil(8)];
    if !bits.is_multiple_of(8) {
        // Pad the last byte with ones.
        *scan.last_mut().unwrap() = 0xFF >> (bits % 8);
    }
    j.extend(scan);
    j.extend([0xFF, 0xD9]);
    j
}
