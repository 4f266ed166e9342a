//! What an upload must be to become a photo: a JPEG or PNG, by its own
//! bytes (the client's file name and content type are never trusted), whose
//! header parses to a plausible picture size, and that is whole: a file cut
//! off in transit (a dropped signal mid-upload) is refused, not stored as a
//! picture no browser can show.

use jinguo_domain::FieldError;
use sha2::{Digest, Sha256};

/// The largest photo accepted, in bytes. Phone cameras write 2–5 MB.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// Neither side of a photo may exceed this many pixels (a header claiming
/// more is not a camera picture).
const MAX_SIDE: usize = 20_000;

pub const NOT_IMAGE: FieldError = FieldError::new("photo", "err.photo.not_image");
pub const TOO_LARGE: FieldError = FieldError::new("photo", "err.photo.too_large");
pub const TOO_MANY: FieldError = FieldError::new("photo", "err.photo.too_many");

/// The two kinds of picture accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoKind {
    Jpeg,
    Png,
}

impl PhotoKind {
    pub fn content_type(self) -> &'static str {
        match self {
            PhotoKind::Jpeg => "image/jpeg",
            PhotoKind::Png => "image/png",
        }
    }

    /// The kind a stored content type names; anything else was never stored.
    pub fn from_content_type(ct: &str) -> Option<Self> {
        match ct {
            "image/jpeg" => Some(PhotoKind::Jpeg),
            "image/png" => Some(PhotoKind::Png),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            PhotoKind::Jpeg => "jpg",
            PhotoKind::Png => "png",
        }
    }

    /// By the file's magic bytes alone.
    fn sniff(bytes: &[u8]) -> Option<Self> {
        const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
        if bytes.starts_with(PNG) {
            Some(PhotoKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(PhotoKind::Jpeg)
        } else {
            None
        }
    }
}

/// An upload that passed every check.
#[derive(Debug, Clone)]
pub struct CheckedPhoto {
    pub kind: PhotoKind,
    pub width: i64,
    pub height: i64,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// Checks an upload: size, then [`picture`].
pub fn check(bytes: Vec<u8>) -> Result<CheckedPhoto, FieldError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(TOO_LARGE);
    }
    let (kind, size) = picture(&bytes)?;
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(CheckedPhoto {
        kind,
        width: size.width as i64,
        height: size.height as i64,
        sha256,
        bytes,
    })
}

/// A JPEG or PNG by its magic bytes, whose header parses to the same kind
/// with a sane size, and whose structure is whole ([`whole`]). The header
/// parser (`imagesize`) reads only the few bytes it needs and the structure
/// walk jumps from chunk to chunk, so a check costs microseconds.
pub fn picture(bytes: &[u8]) -> Result<(PhotoKind, imagesize::ImageSize), FieldError> {
    let kind = PhotoKind::sniff(bytes).ok_or(NOT_IMAGE)?;
    let parsed = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Jpeg) => PhotoKind::Jpeg,
        Ok(imagesize::ImageType::Png) => PhotoKind::Png,
        _ => return Err(NOT_IMAGE),
    };
    if parsed != kind {
        return Err(NOT_IMAGE);
    }
    let size = imagesize::blob_size(bytes).map_err(|_| NOT_IMAGE)?;
    let sane = |n: usize| (1..=MAX_SIDE).contains(&n);
    if !sane(size.width) || !sane(size.height) || !whole(kind, bytes) {
        return Err(NOT_IMAGE);
    }
    Ok((kind, size))
}

/// Whether nothing is missing: a PNG's chunks run from the header chunk to
/// `IEND` with every length inside the file and image data among them; a
/// JPEG's segments reach the start of its scan, and the end-of-image marker
/// follows the scan.
fn whole(kind: PhotoKind, b: &[u8]) -> bool {
    match kind {
        PhotoKind::Png => png_whole(b),
        PhotoKind::Jpeg => jpeg_whole(b),
    }
}

fn png_whole(b: &[u8]) -> bool {
    let (mut at, mut data) = (8, false);
    loop {
        let Some(head) = b.get(at..at + 8) else {
            return false;
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        if at == 8 && kind != b"IHDR" {
            return false;
        }
        // Length, type, data, CRC.
        let end = at + 12 + len;
        if end > b.len() {
            return false;
        }
        data |= kind == b"IDAT";
        if kind == b"IEND" {
            return data;
        }
        at = end;
    }
}

fn jpeg_whole(b: &[u8]) -> bool {
    let mut at = 2;
    loop {
        let Some(&[ff, marker]) = b.get(at..at + 2) else {
            return false;
        };
        if ff != 0xFF {
            return false;
        }
        match marker {
            // Fill bytes, and markers without a length.
            0xFF => at += 1,
            0x01 | 0xD0..=0xD8 => at += 2,
            0xD9 => return false, // the end before any scan
            _ => {
                let Some(&[hi, lo]) = b.get(at + 2..at + 4) else {
                    return false;
                };
                let end = at + 2 + usize::from(u16::from_be_bytes([hi, lo]));
                if end > b.len() {
                    return false;
                }
                if marker == 0xDA {
                    // Entropy-coded data escapes every 0xFF it holds, so
                    // `FF D9` after the scan header is the end of image.
                    return b[end..].windows(2).any(|w| w == [0xFF, 0xD9]);
                }
                at = end;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1×1 PNG (signature, IHDR, IDAT, IEND).
    pub const PNG_1X1: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8,
        0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn a_png_passes_with_its_size() {
        let p = check(PNG_1X1.to_vec()).unwrap();
        assert_eq!(p.kind, PhotoKind::Png);
        assert_eq!((p.width, p.height), (1, 1));
        assert_eq!(p.sha256.len(), 64);
    }

    #[test]
    fn text_a_truncated_header_and_a_disguise_fail() {
        assert_eq!(
            check(b"hello, not a picture".to_vec()).unwrap_err(),
            NOT_IMAGE
        );
        // PNG magic with the header cut off.
        assert_eq!(check(PNG_1X1[..12].to_vec()).unwrap_err(), NOT_IMAGE);
        // JPEG magic and nothing a parser can find a size in.
        assert_eq!(
            check(vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 2, 0, 0]).unwrap_err(),
            NOT_IMAGE
        );
        // A GIF is a picture, but not one we take.
        assert_eq!(
            check(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()).unwrap_err(),
            NOT_IMAGE
        );
    }

    /// The smallest JPEG the structure walk takes: header segments, a scan
    /// and the end marker.
    fn jpeg_frame(scan_and_end: &[u8]) -> Vec<u8> {
        let mut j = vec![
            0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08,
        ];
        j.extend([0x01, 0x01, 0x11, 0x00]);
        j.extend([0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
        j.extend(scan_and_end);
        j
    }

    #[test]
    fn a_file_cut_off_in_transit_is_refused() {
        // The probe's 30-byte PNG: signature, header chunk, nothing else.
        assert_eq!(check(PNG_1X1[..30].to_vec()).unwrap_err(), NOT_IMAGE);
        // Everything but the end chunk, and a chunk claiming more than is there.
        let no_end = PNG_1X1[..PNG_1X1.len() - 12].to_vec();
        assert_eq!(check(no_end).unwrap_err(), NOT_IMAGE);
        let mut long = PNG_1X1.to_vec();
        long[36] = 0x7F; // IDAT's length
        assert_eq!(check(long).unwrap_err(), NOT_IMAGE);
        // A JPEG whose scan is cut before its end marker.
        assert!(jpeg_whole(&jpeg_frame(&[0x00, 0xFF, 0xD9])));
        assert!(!jpeg_whole(&jpeg_frame(&[0x00, 0x00])));
        assert!(!jpeg_whole(&jpeg_frame(&[])[..14]));
        assert!(png_whole(PNG_1X1));
    }

    #[test]
    fn too_large_is_refused_before_anything_else() {
        let mut big = PNG_1X1.to_vec();
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(check(big).unwrap_err(), TOO_LARGE);
    }
}
