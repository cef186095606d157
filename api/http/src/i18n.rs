//! The language of an answer: English, or Korean with `lang=ko` or an
//! `Accept-Language` header that prefers Korean. It changes names (groups,
//! partners), problem titles and details, CSV labels and chart labels;
//! codes, field names and values never change with it.

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderValue};

use crate::error::{ApiError, UnprocessableKind};
use crate::params::LangParam;

/// The language of names and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    En,
    Ko,
}

impl Language {
    pub fn is_ko(self) -> bool {
        self == Language::Ko
    }

    /// `lang=` when given, else the request's `Accept-Language`.
    pub fn chosen(given: Option<LangParam>, header: Language) -> Language {
        match given {
            Some(LangParam::Ko) => Language::Ko,
            Some(LangParam::En) => Language::En,
            None => header,
        }
    }

    /// The `Content-Language` of an answer in this language.
    pub fn header(self) -> HeaderValue {
        match self {
            Language::En => HeaderValue::from_static("en"),
            Language::Ko => HeaderValue::from_static("ko"),
        }
    }

    pub fn chart(self) -> atp_charts::Lang {
        match self {
            Language::En => atp_charts::Lang::En,
            Language::Ko => atp_charts::Lang::Ko,
        }
    }

    /// What the `Accept-Language` header (RFC 9110 12.5.4) prefers of the
    /// two: Korean when a `ko` range (`ko`, `ko-KR`) has a higher q-value
    /// than every range that matches English (`en`, `en-US`, `*`); English
    /// otherwise, and without the header. At most 64 ranges are read.
    pub fn from_accept_language(header: Option<&str>) -> Language {
        let Some(header) = header else {
            return Language::En;
        };
        let (mut ko, mut en) = (0.0f32, 0.0f32);
        for (i, (tag, q)) in crate::params::weighted(header).enumerate() {
            // Of equal q-values, the first listed wins (a tiny tie-break).
            let q = q - i as f32 * 1e-4;
            let primary = tag.split('-').next().unwrap_or("");
            if primary.eq_ignore_ascii_case("ko") {
                ko = ko.max(q);
            } else if primary.eq_ignore_ascii_case("en") || tag == "*" {
                en = en.max(q);
            }
        }
        if ko > 0.0 && ko > en {
            Language::Ko
        } else {
            Language::En
        }
    }

    /// The language of a request's `Accept-Language` header.
    pub fn of_header(req: &HttpRequest) -> Language {
        Language::from_accept_language(
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        )
    }

    /// The language a request asks for, for an answer that has not parsed
    /// its parameters (an error): `lang=ko` or `lang=en` in the query (the
    /// last given), else `Accept-Language`.
    pub fn of_request(req: &HttpRequest) -> Language {
        let mut given = None;
        for pair in req.query_string().split('&').take(256) {
            if let Some(v) = pair.strip_prefix("lang=") {
                if v.eq_ignore_ascii_case("ko") {
                    given = Some(Language::Ko);
                } else if v.eq_ignore_ascii_case("en") {
                    given = Some(Language::En);
                }
            }
        }
        given.unwrap_or_else(|| Language::of_header(req))
    }
}

/// A problem's title in Korean, by its type.
pub fn title_ko(e: &ApiError) -> &'static str {
    match e {
        ApiError::InvalidParameter { .. } => "잘못된 매개변수",
        ApiError::InvalidBody { .. } => "잘못된 요청 본문",
        ApiError::NotFound { .. } | ApiError::NoRoute(_) => "찾을 수 없음",
        ApiError::MethodNotAllowed { .. } => "허용되지 않는 메서드",
        ApiError::NotAcceptable { .. } => "제공할 수 없는 형식",
        ApiError::InvalidUpload(_) => "잘못된 업로드",
        ApiError::Unauthorized(_) => "인증 필요",
        ApiError::Forbidden(_) => "권한 없음",
        ApiError::Conflict(_) => "충돌",
        ApiError::PayloadTooLarge { .. } => "요청 본문이 너무 큼",
        ApiError::RequestTimeout(_) => "요청 시간 초과",
        ApiError::Unprocessable { kind, .. } => match kind {
            UnprocessableKind::SeriesTooShort => "시계열이 너무 짧음",
            UnprocessableKind::ModelFailed => "모형을 적합할 수 없음",
        },
        ApiError::Busy { .. } => "서비스 혼잡",
        ApiError::TooManyRequests { .. } => "요청이 너무 많음",
        ApiError::Unavailable(_) => "서비스를 사용할 수 없음",
        ApiError::Internal(_) => "내부 오류",
    }
}

/// The title of a status answered without an `ApiError`, in Korean.
pub fn status_title_ko(status: u16) -> &'static str {
    match status {
        400 => "잘못된 요청",
        401 => "인증 필요",
        403 => "권한 없음",
        404 => "찾을 수 없음",
        405 => "허용되지 않는 메서드",
        406 => "제공할 수 없는 형식",
        408 => "요청 시간 초과",
        411 => "길이 정보 필요",
        413 => "요청 본문이 너무 큼",
        414 => "URI가 너무 김",
        415 => "지원하지 않는 미디어 형식",
        422 => "처리할 수 없는 요청",
        429 => "요청이 너무 많음",
        431 => "요청 헤더가 너무 큼",
        500 => "내부 오류",
        503 => "서비스를 사용할 수 없음",
        _ => "오류",
    }
}

/// An English phrase of a problem in Korean: from the table of phrases the
/// service writes, else the English as it is (text from a parser of a
/// third-party crate, quoted).
pub fn phrase_ko(en: &str) -> String {
    crate::messages_ko::translate(en).unwrap_or_else(|| en.to_owned())
}

/// A problem's detail in Korean: a Korean sentence around the parameter,
/// value and what is allowed (which keep their codes).
pub fn detail_ko(e: &ApiError, parameter: Option<&str>, value: Option<&str>) -> String {
    let v = |v: Option<&str>| format!("{:?}", v.unwrap_or(""));
    match e {
        ApiError::InvalidParameter { expected, .. } => format!(
            "매개변수 {}의 값 {}을(를) 받을 수 없습니다: {}",
            parameter.unwrap_or(""),
            v(value),
            phrase_ko(expected)
        ),
        ApiError::InvalidBody {
            pointer, expected, ..
        } => match value {
            Some(_) => format!(
                "요청 본문의 {pointer:?} 값 {}을(를) 받을 수 없습니다: {}",
                v(value),
                phrase_ko(expected)
            ),
            None => format!(
                "요청 본문의 {pointer:?}을(를) 받을 수 없습니다: {}",
                phrase_ko(expected)
            ),
        },
        ApiError::NotFound { detail, .. } => phrase_ko(detail),
        ApiError::NoRoute(path) => format!(
            "{:?} 경로의 엔드포인트가 없습니다. /docs 에서 엔드포인트 목록을 볼 수 있습니다",
            atp_core::error::echo(path)
        ),
        ApiError::MethodNotAllowed { method, allow } => {
            format!("이 경로는 {method} 메서드를 받지 않습니다. 허용되는 메서드: {allow}")
        }
        ApiError::NotAcceptable { accept, offered } => format!(
            "Accept 헤더 {:?}이(가) 이 엔드포인트가 제공하는 형식을 포함하지 않습니다. 제공 형식: {}",
            atp_core::error::echo(accept),
            offered.join(", ")
        ),
        ApiError::PayloadTooLarge { limit } => {
            format!("요청 본문이 한도 {limit}바이트보다 큽니다")
        }
        ApiError::TooManyRequests { retry_after } => {
            format!("요청이 너무 많습니다. {retry_after}초 뒤에 다시 시도하십시오")
        }
        ApiError::Internal(_) => "서비스가 응답하지 못했습니다. 오류는 기록되었습니다".to_owned(),
        ApiError::Unavailable(reason) => {
            format!("지금은 서비스를 사용할 수 없습니다: {}", phrase_ko(reason))
        }
        ApiError::Unprocessable { detail, .. } => phrase_ko(detail),
        ApiError::Busy { message, .. } => phrase_ko(message),
        ApiError::InvalidUpload(u) => {
            let mut at = u.file.clone();
            if let Some(row) = u.row {
                at.push_str(&format!(", {row}행"));
            }
            if let Some(field) = &u.field {
                at.push_str(&format!(", 필드 {field}"));
            }
            if let Some(value) = &u.value {
                at.push_str(&format!(", 값 {value:?}"));
            }
            format!(
                "업로드를 받지 않았습니다 (아무것도 기록되지 않음). {at}: {}",
                phrase_ko(&u.expected)
            )
        }
        ApiError::Unauthorized(m)
        | ApiError::Forbidden(m)
        | ApiError::Conflict(m)
        | ApiError::RequestTimeout(m) => phrase_ko(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_korean_only_when_ranked_above_english() {
        let l = |h| Language::from_accept_language(Some(h));
        assert_eq!(l("ko"), Language::Ko);
        assert_eq!(l("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"), Language::Ko);
        assert_eq!(l("en-US,en;q=0.9,ko;q=0.8"), Language::En);
        assert_eq!(l("en-US,en;q=0.9"), Language::En);
        assert_eq!(l("*"), Language::En);
        assert_eq!(l("fr, ko;q=0.5"), Language::Ko);
        assert_eq!(l("ko;q=0, en"), Language::En);
        assert_eq!(l("KO-kr"), Language::Ko);
        assert_eq!(l("ko, en"), Language::Ko, "the first of equals");
        assert_eq!(l("en, ko"), Language::En);
        assert_eq!(l(""), Language::En);
        assert_eq!(Language::from_accept_language(None), Language::En);
        // Only the first 64 ranges are read.
        let long = format!("{}ko", "fr,".repeat(64));
        assert_eq!(l(&long), Language::En);
    }
}
