use axum::http::header;
use axum::response::IntoResponse;

/// `GET /api/v1/openapi.json`: the API contract for integrators.
pub async fn document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../../../openapi.json"),
    )
}
