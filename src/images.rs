//! Pictures are published without what cameras and editors hide in them (DESIGN.md §7):
//! EXIF (with GPS positions and the camera owner's name), XMP, comments and text chunks.
//!
//! JPEG and PNG are decoded and encoded again (the EXIF orientation applied to the pixels,
//! since the tag that carried it is gone; PNG stays lossless). GIF and WebP are rebuilt block
//! by block with only the picture data kept: re-encoding would cost an animated GIF its
//! palette and a lossy WebP its size. Every picture must also decode, so a file that only
//! pretends to be one (a page with a picture's first bytes) is refused. Results are kept in
//! `<root>/.gongshi-cache/images/` by the hash of the original.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, metadata::Orientation};

use crate::cache::DiskCache;

/// Bumped when the way pictures are cleaned changes, to invalidate the cache.
const VERSION: &str = "clean-1";
const JPEG_QUALITY: u8 = 90;
/// Largest picture read at all.
pub const MAX_BYTES: u64 = 40 * 1024 * 1024;

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("无法读取图片（{e}）"))?;
    // Bound what a hostile file can make the decoder allocate.
    let mut limits = Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    Ok(reader)
}

/// The picture without metadata, or why it cannot be published (Chinese).
pub fn clean(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let unreadable = |e: image::ImageError| format!("图片文件已损坏或格式不受支持（{e}）");
    let reader = reader(bytes)?;
    let format = reader.format();
    match format {
        Some(ImageFormat::Jpeg) | Some(ImageFormat::Png) => {
            let mut decoder = reader.into_decoder().map_err(unreadable)?;
            let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
            let mut img = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
            img.apply_orientation(orientation);
            let mut out = Vec::new();
            if format == Some(ImageFormat::Png) {
                img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
                    .map_err(|e| format!("无法重新保存图片（{e}）"))?;
            } else {
                let img = match img {
                    DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => img,
                    other => DynamicImage::ImageRgb8(other.to_rgb8()),
                };
                let enc =
                    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
                img.write_with_encoder(enc)
                    .map_err(|e| format!("无法重新保存图片（{e}）"))?;
            }
            Ok(out)
        }
        Some(ImageFormat::Gif) => {
            // It must decode (its first frame at least).
            reader.decode().map_err(unreadable)?;
            gif_without_metadata(bytes).ok_or_else(|| "GIF 图片的结构有误".to_string())
        }
        Some(ImageFormat::WebP) => {
            reader.decode().map_err(unreadable)?;
            webp_without_metadata(bytes).ok_or_else(|| "WebP 图片的结构有误".to_string())
        }
        _ => Err("不是 JPG、PNG、GIF 或 WebP 图片".into()),
    }
}

/// [`clean`], kept in `cache` by the hash of the original.
pub fn clean_cached(bytes: &[u8], cache: Option<&DiskCache>) -> Result<Vec<u8>, String> {
    let key = crate::reuse::keys::picture(VERSION, None, bytes);
    if let Some(hit) = cache.and_then(|c| c.get(&key)) {
        return Ok(hit);
    }
    let out = clean(bytes)?;
    if let Some(c) = cache {
        c.put(&key, &out);
    }
    Ok(out)
}

/// A GIF with its header, colour tables, frames and the loop count, and nothing else
/// (comments, application blocks such as XMP, plain-text blocks, bytes after the end).
fn gif_without_metadata(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    if b.len() < 13 || !(b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a")) {
        return None;
    }
    let flags = b[10];
    let mut i = 13;
    if flags & 0x80 != 0 {
        i += 3 * (1usize << ((flags & 7) + 1));
    }
    out.extend_from_slice(b.get(..i)?);
    // Sub-blocks from `i`: returns the index after the terminator.
    let sub_blocks = |mut i: usize| -> Option<usize> {
        loop {
            let n = *b.get(i)? as usize;
            i += 1 + n;
            if n == 0 {
                return Some(i);
            }
        }
    };
    loop {
        match *b.get(i)? {
            0x3B => {
                out.push(0x3B);
                return Some(out);
            }
            0x2C => {
                let desc = b.get(i..i + 10)?;
                let mut j = i + 10;
                if desc[9] & 0x80 != 0 {
                    j += 3 * (1usize << ((desc[9] & 7) + 1));
                }
                j += 1; // LZW minimum code size
                let end = sub_blocks(j)?;
                out.extend_from_slice(b.get(i..end)?);
                i = end;
            }
            0x21 => {
                let label = *b.get(i + 1)?;
                let end = sub_blocks(i + 2)?;
                let keep = match label {
                    0xF9 => true, // graphic control: frame timing, transparency
                    0xFF => b.get(i + 3..i + 14) == Some(b"NETSCAPE2.0"), // loop count
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(b.get(i..end)?);
                }
                i = end;
            }
            _ => return None,
        }
    }
}

/// A WebP with only its picture chunks (no EXIF, XMP or ICC profile), the flags of its
/// header chunk and the file size set to match.
fn webp_without_metadata(b: &[u8]) -> Option<Vec<u8>> {
    if b.len() < 12 || &b[..4] != b"RIFF" || &b[8..12] != b"WEBP" {
        return None;
    }
    let size = u32::from_le_bytes(b[4..8].try_into().ok()?) as usize;
    let end = (8 + size).min(b.len());
    let mut out = b"RIFF\0\0\0\0WEBP".to_vec();
    let mut i = 12;
    while i + 8 <= end {
        let tag = &b[i..i + 4];
        let len = u32::from_le_bytes(b[i + 4..i + 8].try_into().ok()?) as usize;
        let next = i + 8 + len + (len & 1);
        let chunk = b.get(i..(i + 8 + len + (len & 1)).min(end))?;
        match tag {
            b"EXIF" | b"XMP " | b"ICCP" => {}
            b"VP8X" => {
                let mut c = chunk.to_vec();
                // Clear the ICC, EXIF and XMP flags.
                if let Some(f) = c.get_mut(8) {
                    *f &= !(0x20 | 0x08 | 0x04);
                }
                out.extend_from_slice(&c);
            }
            _ => out.extend_from_slice(chunk),
        }
        i = next;
    }
    let total = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&total.to_le_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn png_with_text() -> Vec<u8> {
        let img = RgbImage::from_fn(40, 30, |x, y| Rgb([x as u8 * 6, y as u8 * 8, 90]));
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        // A tEXt chunk before IEND: "Comment\0GPS 34.1,108.9 13812345678".
        let text = b"Comment\0GPS 34.1,108.9 13812345678";
        let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(b"tEXt");
        chunk.extend_from_slice(text);
        chunk.extend_from_slice(&[0, 0, 0, 0]); // CRC not checked by decoders we use
        let at = png.len() - 12;
        png.splice(at..at, chunk);
        png
    }

    #[test]
    fn png_text_chunks_are_gone_and_pixels_stay() {
        let png = png_with_text();
        let clean = clean(&png).unwrap();
        assert!(!clean.windows(4).any(|w| w == b"tEXt"));
        assert!(!String::from_utf8_lossy(&clean).contains("GPS"));
        let (a, b) = (
            image::load_from_memory(&png).unwrap().to_rgb8(),
            image::load_from_memory(&clean).unwrap().to_rgb8(),
        );
        assert_eq!(a, b);
    }

    #[test]
    fn jpeg_exif_is_gone() {
        let img = RgbImage::from_pixel(16, 16, Rgb([200, 10, 10]));
        let mut jpg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, 90)
            .encode_image(&img)
            .unwrap();
        // An APP1 Exif segment right after SOI.
        let payload = b"Exif\0\0GPSLatitude 34.1 owner 13812345678";
        let mut seg = vec![0xFF, 0xE1];
        seg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        seg.extend_from_slice(payload);
        jpg.splice(2..2, seg);
        assert!(String::from_utf8_lossy(&jpg).contains("GPSLatitude"));
        let clean = clean(&jpg).unwrap();
        assert!(!String::from_utf8_lossy(&clean).contains("GPS"));
        assert!(!clean.windows(4).any(|w| w == b"Exif"));
        image::load_from_memory(&clean).unwrap();
    }

    #[test]
    fn gif_comments_and_trailing_bytes_are_gone() {
        let mut gif = Vec::new();
        {
            let mut enc = image::codecs::gif::GifEncoder::new(&mut gif);
            let frame = image::Frame::new(image::RgbaImage::from_pixel(
                4,
                4,
                image::Rgba([1, 2, 3, 255]),
            ));
            enc.encode_frame(frame).unwrap();
        }
        // A comment extension before the trailer, and a page after it.
        let at = gif.len() - 1;
        gif.splice(at..at, [0x21, 0xFE, 5, b'1', b'3', b'8', b'1', b'2', 0]);
        gif.extend_from_slice(b"<script>alert(1)</script>");
        let clean = clean(&gif).unwrap();
        assert_eq!(*clean.last().unwrap(), 0x3B);
        assert!(!clean.windows(3).any(|w| w == b"138"));
        image::load_from_memory(&clean).unwrap();
    }

    #[test]
    fn pretenders_and_junk_are_refused() {
        assert!(clean(b"\xFF\xD8\xFF<html><script>alert(1)</script>").is_err());
        assert!(clean(b"---\ntitle: x\n---\n").is_err());
        assert!(clean(b"").is_err());
    }
}
