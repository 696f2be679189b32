//! Photos for the WeChat export, made small enough to travel inside the article as `data:`
//! URIs: a phone photo (4000 px, several MB) is scaled to the width it is shown at and
//! re-encoded; a small image is kept byte for byte. Results are cached on disk by the hash
//! of the original, so a county's hundreds of candidate photos are resized once.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, metadata::Orientation};

use crate::cache::DiskCache;

/// What a photo may weigh after resizing (DESIGN.md §9: the article must stay under 1 MB).
pub const MAX_PREPARED_BYTES: usize = 1024 * 1024;
/// Largest original read at all: anything bigger is not a photo a clerk meant to publish.
pub const MAX_SOURCE_BYTES: u64 = 40 * 1024 * 1024;
/// An image this small and no wider than asked for is kept as it is (no quality loss).
const KEEP_BYTES: usize = 200 * 1024;
/// Bumped when the way photos are prepared changes, to invalidate the cache.
const VERSION: &str = "photo-2";
const JPEG_QUALITY: u8 = 82;

/// A body image is shown at the article's full width: 375 css px at up to 3× on phones.
pub const BODY_WIDTH: u32 = 1080;
/// Candidate photos are shown small beside their names.
pub const PORTRAIT_WIDTH: u32 = 480;

#[derive(Debug, PartialEq, Eq)]
pub struct Prepared {
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// The MIME type of an image by its first bytes, for the formats the export accepts.
pub fn mime_of(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if b.len() > 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// `bytes` made fit for the article at `max_width` pixels, or why not (Chinese, for the
/// clerk's note on the preview page).
pub fn prepare(
    bytes: &[u8],
    max_width: u32,
    cache: Option<&DiskCache>,
) -> Result<Prepared, String> {
    let Some(mime) = mime_of(bytes) else {
        return Err("不是 PNG、JPEG、GIF 或 WebP 图片".into());
    };
    let key = crate::reuse::keys::picture(VERSION, Some(max_width), bytes);
    if let Some(hit) = cache.and_then(|c| c.get(&key))
        && let Some(mime) = mime_of(&hit)
    {
        return Ok(Prepared { mime, bytes: hit });
    }
    let prepared = prepare_uncached(bytes, mime, max_width)?;
    if let Some(c) = cache {
        c.put(&key, &prepared.bytes);
    }
    Ok(prepared)
}

fn prepare_uncached(bytes: &[u8], mime: &'static str, max_width: u32) -> Result<Prepared, String> {
    let unreadable = |e: image::ImageError| format!("图片文件已损坏或格式不受支持（{e}）");
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("无法读取图片（{e}）"))?;
    // Bound what a hostile file can make the decoder allocate.
    let mut limits = Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let format = reader.format();
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (w, _) = decoder.dimensions();
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    // Animated GIFs would lose their animation: kept as they are (without their metadata),
    // or not at all.
    if format == Some(ImageFormat::Gif) {
        let clean = crate::images::clean(bytes)?;
        return if clean.len() <= MAX_PREPARED_BYTES {
            Ok(Prepared { mime, bytes: clean })
        } else {
            Err("是超过 1 MB 的 GIF 动图".into())
        };
    }
    // Small enough as it is: only its metadata (EXIF, GPS, text) goes.
    if w <= max_width && bytes.len() <= KEEP_BYTES && orientation == Orientation::NoTransforms {
        let clean = crate::images::clean(bytes)?;
        if clean.len() <= MAX_PREPARED_BYTES {
            return Ok(Prepared {
                mime: mime_of(&clean).unwrap_or(mime),
                bytes: clean,
            });
        }
    }
    let mut img = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    img.apply_orientation(orientation);
    if img.width() > max_width {
        let h = ((u64::from(img.height()) * u64::from(max_width)) / u64::from(img.width().max(1)))
            .max(1) as u32;
        img = img.resize_exact(max_width, h, image::imageops::FilterType::Triangle);
    }
    let mut out = Vec::new();
    let mime = if img.color().has_alpha() {
        // Transparency (logos, stamps) needs PNG.
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|e| format!("无法压缩图片（{e}）"))?;
        "image/png"
    } else {
        let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
        rgb.write_with_encoder(enc)
            .map_err(|e| format!("无法压缩图片（{e}）"))?;
        "image/jpeg"
    };
    if out.len() > MAX_PREPARED_BYTES {
        return Err(format!(
            "缩小到 {max_width} 像素宽后仍有 {} KB，超过 1 MB",
            out.len() / 1024
        ));
    }
    Ok(Prepared { mime, bytes: out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    /// A noisy picture (compresses badly, like a photo).
    fn photo(w: u32, h: u32) -> Vec<u8> {
        let mut s = 1u32;
        let img = RgbImage::from_fn(w, h, |x, y| {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            Rgb([(x % 256) as u8, (y % 256) as u8, (s >> 24) as u8])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_large_photo_is_scaled_to_the_width_and_fits() {
        let big = photo(3000, 2000);
        assert!(big.len() > MAX_PREPARED_BYTES, "{}", big.len());
        let p = prepare(&big, BODY_WIDTH, None).unwrap();
        assert_eq!(p.mime, "image/jpeg");
        assert!(p.bytes.len() <= MAX_PREPARED_BYTES);
        let img = image::load_from_memory(&p.bytes).unwrap();
        assert_eq!((img.width(), img.height()), (1080, 720));
    }

    #[test]
    fn a_small_image_keeps_its_pixels_but_not_its_metadata() {
        let small = photo(200, 100);
        assert!(small.len() <= KEEP_BYTES);
        let p = prepare(&small, PORTRAIT_WIDTH, None).unwrap();
        assert_eq!(p.mime, "image/png");
        assert_eq!(
            image::load_from_memory(&p.bytes).unwrap().to_rgb8(),
            image::load_from_memory(&small).unwrap().to_rgb8()
        );
    }

    #[test]
    fn transparency_stays_png() {
        let img = RgbaImage::from_pixel(2000, 10, Rgba([200, 0, 0, 128]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        let p = prepare(&out, BODY_WIDTH, None).unwrap();
        assert_eq!(p.mime, "image/png");
        assert_eq!(image::load_from_memory(&p.bytes).unwrap().width(), 1080);
    }

    #[test]
    fn junk_and_truncated_files_are_reasons_not_panics() {
        assert!(prepare(b"not an image", BODY_WIDTH, None).is_err());
        let big = photo(3000, 2000);
        let cut = &big[..big.len() / 3];
        assert!(prepare(cut, BODY_WIDTH, None).is_err());
        // A PNG header claiming 100000 × 100000 pixels.
        let mut bomb = big[..33].to_vec();
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(prepare(&bomb, BODY_WIDTH, None).is_err());
    }

    #[test]
    fn the_cache_returns_what_was_prepared() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path(), crate::cache::PHOTOS, true);
        let big = photo(1500, 1000);
        let a = prepare(&big, BODY_WIDTH, Some(&cache)).unwrap();
        let b = prepare(&big, BODY_WIDTH, Some(&cache)).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            std::fs::read_dir(dir.path().join(".gongshi-cache/photos"))
                .unwrap()
                .count(),
            1
        );
    }
}
