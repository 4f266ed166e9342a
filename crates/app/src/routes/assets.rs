//! Static assets compiled into the binary: intranets have no internet.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An hour: the file keeps its name when it changes, so caches must ask again.
const SHORT: &str = "public, max-age=3600";
/// A year: the file's name carries its version, so a new version is a new URL.
const FOREVER: &str = "public, max-age=31536000, immutable";

/// `(name below /static/, content type, cache policy, bytes)`.
const ASSETS: &[(&str, &str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        SHORT,
        include_bytes!("../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        SHORT,
        include_bytes!("../../static/app.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        SHORT,
        include_bytes!("../../static/favicon.svg"),
    ),
    (
        "outbox.js",
        "text/javascript; charset=utf-8",
        SHORT,
        include_bytes!("../../static/outbox.js"),
    ),
    (
        "icon-192.png",
        "image/png",
        SHORT,
        include_bytes!("../../static/icon-192.png"),
    ),
    (
        "icon-512.png",
        "image/png",
        SHORT,
        include_bytes!("../../static/icon-512.png"),
    ),
    (
        "help.css",
        "text/css; charset=utf-8",
        SHORT,
        include_bytes!("../../static/help.css"),
    ),
    (
        "help.js",
        "text/javascript; charset=utf-8",
        SHORT,
        include_bytes!("../../static/help.js"),
    ),
    (
        "noto-sans-mongolian-2.001.woff2",
        "font/woff2",
        FOREVER,
        include_bytes!("../../static/fonts/NotoSansMongolian-Regular.subset.woff2"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        SHORT,
        include_bytes!("../../static/htmx.min.js"),
    ),
];

pub async fn serve(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _, _)| *name == file) {
        Some((_, mime, cache, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, *cache),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn health() -> &'static str {
    "ok"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Mongolian font comes from the binary, as a web font with a long
    /// cache (phones without a Mongolian font still show the script).
    #[tokio::test]
    async fn the_mongolian_font_is_served_from_the_binary() {
        let res = serve(Path("noto-sans-mongolian-2.001.woff2".to_owned())).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "font/woff2");
        assert_eq!(res.headers()[header::CACHE_CONTROL], FOREVER);
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        assert_eq!(&body[..4], b"wOF2", "not a WOFF2 file");
        let css = serve(Path("app.css".to_owned())).await;
        assert_eq!(css.headers()[header::CACHE_CONTROL], SHORT);
        let none = serve(Path("fonts".to_owned())).await;
        assert_eq!(none.status(), StatusCode::NOT_FOUND);
    }

    /// Every stylesheet that pages load declares the bundled font by the URL
    /// the asset list serves.
    #[test]
    fn the_stylesheets_declare_the_bundled_font() {
        for (name, _, _, body) in ASSETS.iter().filter(|a| a.0.ends_with(".css")) {
            let css = std::str::from_utf8(body).unwrap();
            assert!(
                css.contains("url(\"/static/noto-sans-mongolian-2.001.woff2\")"),
                "{name} does not declare the Mongolian font"
            );
        }
    }
}
