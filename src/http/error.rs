//! The one mapping from `AppError` to HTTP: JSON `{error:{code,message,fields}}` for the API,
//! an HTML page for pages. Internal details are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use crate::error::AppError;

fn status(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) | AppError::InvalidQuery(_) | AppError::Markdown(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden | AppError::Csrf | AppError::InsufficientScope(_) => {
            StatusCode::FORBIDDEN
        }
        AppError::NotFound | AppError::InvalidLink => StatusCode::NOT_FOUND,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Store(_) | AppError::Search(_) | AppError::Internal(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

fn public_message(e: &AppError) -> String {
    match e {
        AppError::Store(_) | AppError::Search(_) | AppError::Internal(_) => {
            tracing::error!(error = %e, "request failed");
            "something went wrong on our side; nothing was changed".to_string()
        }
        other => other.to_string(),
    }
}

/// An error answered as JSON.
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let fields = match &e {
            AppError::Invalid(fields) | AppError::InvalidQuery(fields) => json!(fields),
            _ => json!([]),
        };
        let body =
            json!({"error": {"code": e.code(), "message": public_message(&e), "fields": fields}});
        let mut response = (status(&e), Json(body)).into_response();
        if matches!(e, AppError::Unauthenticated) {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        retry_after(&e, &mut response);
        response
    }
}

/// An error answered as an HTML page.
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        if matches!(e, AppError::Unauthenticated) {
            return axum::response::Redirect::to("/login").into_response();
        }
        let code = status(&e);
        let html = super::pages::error_page(code, &public_message(&e));
        let mut response = (code, Html(html)).into_response();
        retry_after(&e, &mut response);
        response
    }
}

/// A rate-limited answer says when to come back.
fn retry_after(e: &AppError, response: &mut Response) {
    if let AppError::RateLimited { retry_after } = e {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(*retry_after),
        );
    }
}
