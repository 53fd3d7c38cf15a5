//! Benchmarks: how fast the sandbox answers a search over 100,000 persons through the real client,
//! and how long a page of persons takes to parse. Run with `cargo bench`.
use criterion::{Criterion, criterion_group, criterion_main};
use hogdex::api::{
    ApiKey, Client, ClientOptions, ListParams, Pacer, PersonListItem, ProjectRef, resolve_host,
};
use hogdex::sandbox::{SandboxConfig, spawn};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn search_100k(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let started = Instant::now();
    let sandbox =
        rt.block_on(spawn(SandboxConfig { port: 0, persons: 100_000, ..Default::default() })).unwrap();
    eprintln!("sandbox with 100,000 persons started in {:?}", started.elapsed());
    let host = resolve_host(&sandbox.base_url(), false).unwrap();
    let opts = ClientOptions { pacer: Arc::new(Pacer::unlimited()), ..Default::default() };
    let client = Client::new(host, ProjectRef::Id(1), ApiKey::new(sandbox.key()), opts).unwrap();

    let mut group = c.benchmark_group("sandbox_100k");
    group.sample_size(20).measurement_time(Duration::from_secs(10));
    for (name, params) in [
        ("search_x_first_page", ListParams { search: Some("x".into()), ..Default::default() }),
        (
            "search_x_with_total",
            ListParams { search: Some("x".into()), include_total: true, ..Default::default() },
        ),
        ("search_rare_no_match", ListParams { search: Some("zzqqzz".into()), ..Default::default() }),
        ("first_page_unfiltered", ListParams::default()),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&rt).iter(|| async { client.list_persons(&params).await.unwrap() })
        });
    }
    group.finish();
    rt.block_on(sandbox.shutdown());
}

fn parse_page(c: &mut Criterion) {
    let item = serde_json::json!({
        "type": "person", "id": "0190f0c2-0000-7000-8000-000000000001", "uuid": "0190f0c2-0000-7000-8000-000000000001",
        "created_at": "2026-01-02T03:04:05.123000Z", "last_seen_at": null, "is_identified": true, "name": "a@b.com",
        "distinct_ids": ["user-1", "0190f0c2-aaaa-bbbb-cccc-dddddddddddd"], "matched_recordings": [], "value_at_data_point": null,
        "properties": {"email": "a@b.com", "name": "Ann", "plan": "pro", "$initial_browser": "Firefox", "$geoip_country_code": "DE"}
    });
    let page = serde_json::json!({"results": vec![item; 100], "next": null, "previous": null});
    let bytes = serde_json::to_vec(&page).unwrap();
    c.bench_function("parse_page_of_100_persons", |b| {
        b.iter(|| serde_json::from_slice::<hogdex::api::Page<PersonListItem>>(&bytes).unwrap())
    });
}

criterion_group!(benches, search_100k, parse_page);
criterion_main!(benches);
