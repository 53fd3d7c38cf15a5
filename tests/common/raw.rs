//! A raw HTTP client for the sandbox, for tests that assert PostHog's exact bodies, statuses and
//! headers (no hogdex client in between).
use hogdex::sandbox::{SandboxConfig, SandboxHandle, spawn};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct Api {
    pub base: String,
    pub key: String,
    pub http: reqwest::Client,
    pub sandbox: SandboxHandle,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
}

impl Api {
    /// Starts a sandbox with `config` and a client for it.
    pub async fn start(config: SandboxConfig) -> Api {
        let sandbox = spawn(config).await.expect("sandbox starts");
        Api { base: sandbox.base_url(), key: sandbox.key().to_owned(), http: reqwest::Client::new(), sandbox }
    }

    pub fn persons(&self) -> String {
        format!("{}/api/projects/1/persons", self.base)
    }

    /// One request with the sandbox's key as a Bearer token.
    pub async fn call(&self, method: Method, url: &str, body: Option<Value>) -> Resp {
        let mut req = self.http.request(method, url).header("Authorization", format!("Bearer {}", self.key));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request sent");
        Resp {
            status: resp.status(),
            headers: resp.headers().clone(),
            text: resp.text().await.expect("body read"),
        }
    }

    pub async fn get(&self, url: &str) -> Resp {
        self.call(Method::GET, url, None).await
    }

    pub async fn get_json(&self, url: &str) -> Value {
        let resp = self.get(url).await;
        assert_eq!(resp.status, StatusCode::OK, "GET {url}: {}", resp.text);
        resp.json()
    }

    pub async fn post(&self, url: &str, body: Value) -> Resp {
        self.call(Method::POST, url, Some(body)).await
    }

    /// `results` of a persons list query (path relative to the persons prefix).
    pub async fn list(&self, query: &str) -> Vec<Value> {
        let body = self.get_json(&format!("{}/{query}", self.persons())).await;
        body["results"].as_array().expect("results").clone()
    }
}
