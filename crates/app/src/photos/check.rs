//! What an upload must be to become a photo: a JPEG or PNG, by its own
//! bytes (the client's file name and content type are never trusted), whose
//! header parses to a plausible picture size.

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

/// Checks an upload: size, magic bytes, and a header that parses to the
/// same kind with a sane size. The header parser (`imagesize`) reads only
/// the few bytes it needs, so a check costs microseconds whatever the size.
pub fn check(bytes: Vec<u8>) -> Result<CheckedPhoto, FieldError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(TOO_LARGE);
    }
    let kind = PhotoKind::sniff(&bytes).ok_or(NOT_IMAGE)?;
    let parsed = match imagesize::image_type(&bytes) {
        Ok(imagesize::ImageType::Jpeg) => PhotoKind::Jpeg,
        Ok(imagesize::ImageType::Png) => PhotoKind::Png,
        _ => return Err(NOT_IMAGE),
    };
    if parsed != kind {
        return Err(NOT_IMAGE);
    }
    let size = imagesize::blob_size(&bytes).map_err(|_| NOT_IMAGE)?;
    let sane = |n: usize| (1..=MAX_SIDE).contains(&n);
    if !sane(size.width) || !sane(size.height) {
        return Err(NOT_IMAGE);
    }
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

    #[test]
    fn too_large_is_refused_before_anything_else() {
        let mut big = PNG_1X1.to_vec();
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(check(big).unwrap_err(), TOO_LARGE);
    }
}
