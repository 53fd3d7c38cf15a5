//! Writes to persons. Never retried: PostHog applies them asynchronously (202), and a retried
//! write could apply twice. Bulk deletes go in batches of [`BULK_DELETE_BATCH`].
use super::*;

impl Client {
    /// `PATCH /persons/{id}/` with `{"properties": …}` — a `$set` applied asynchronously (202).
    pub async fn patch_properties(
        &self,
        id: PersonId,
        properties: Map<String, Value>,
    ) -> Result<u16, ApiError> {
        let url = self.person_url(id, "");
        let body = json!({ "properties": properties });
        self.request(&format!("Updating person {id}"), RateClass::Read, Method::PATCH, url, Some(body))
            .await
            .map(|(status, _)| status.as_u16())
    }

    /// `POST /persons/{id}/update_property/` — sets one property to any JSON value (202).
    pub async fn update_property(&self, id: PersonId, key: &str, value: Value) -> Result<u16, ApiError> {
        let url = self.person_url(id, "update_property/");
        let body = json!({ "key": key, "value": value });
        self.request(
            &format!("Setting property {key:?} on person {id}"),
            RateClass::Read,
            Method::POST,
            url,
            Some(body),
        )
        .await
        .map(|(status, _)| status.as_u16())
    }

    /// `POST /persons/{id}/delete_property/` with `{"$unset": key}` (201 `{"success": true}`).
    pub async fn delete_property(&self, id: PersonId, key: &str) -> Result<u16, ApiError> {
        let url = self.person_url(id, "delete_property/");
        let op = format!("Deleting property {key:?} from person {id}");
        let (status, body) =
            self.request(&op, RateClass::Read, Method::POST, url, Some(json!({ "$unset": key }))).await?;
        expect_success_flag(&op, &body).map(|()| status.as_u16())
    }

    /// `DELETE /persons/{id}/` (202).
    pub async fn delete_person(&self, id: PersonId, opts: DeleteOptions) -> Result<u16, ApiError> {
        let mut url = self.person_url(id, "");
        {
            let mut q = url.query_pairs_mut();
            for name in opts.set_flags() {
                q.append_pair(name, "true");
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        self.request(&format!("Deleting person {id}"), RateClass::Delete, Method::DELETE, url, None)
            .await
            .map(|(status, _)| status.as_u16())
    }

    /// `POST /persons/{id}/delete_events/` — queue deletion of the person's events, keep the person.
    pub async fn delete_events(&self, id: PersonId) -> Result<u16, ApiError> {
        let url = self.person_url(id, "delete_events/");
        self.request(&format!("Deleting events of person {id}"), RateClass::Delete, Method::POST, url, None)
            .await
            .map(|(status, _)| status.as_u16())
    }

    /// `POST /persons/{id}/delete_recordings/`.
    pub async fn delete_recordings(&self, id: PersonId) -> Result<u16, ApiError> {
        let url = self.person_url(id, "delete_recordings/");
        self.request(
            &format!("Deleting recordings of person {id}"),
            RateClass::Delete,
            Method::POST,
            url,
            None,
        )
        .await
        .map(|(status, _)| status.as_u16())
    }

    /// `POST /persons/{id}/split/` (201, applied asynchronously).
    pub async fn split(&self, id: PersonId, mode: &SplitMode) -> Result<u16, ApiError> {
        let url = self.person_url(id, "split/");
        let body = match mode {
            SplitMode::All { main } => json!({ "main_distinct_id": main }),
            SplitMode::Extract(ids) => json!({ "distinct_ids_to_split": ids }),
        };
        let op = format!("Splitting person {id}");
        let (status, resp) = self.request(&op, RateClass::Read, Method::POST, url, Some(body)).await?;
        expect_success_flag(&op, &resp).map(|()| status.as_u16())
    }

    /// `POST /persons/bulk_delete/` in batches of at most 1,000, paced as deletes. Stops at the
    /// first failing batch; the report says what was done before it.
    pub async fn bulk_delete(
        &self,
        target: &BulkTarget,
        opts: DeleteOptions,
        mut on_batch: impl FnMut(usize, usize),
    ) -> BulkDeleteReport {
        let total = target.len();
        let mut report = BulkDeleteReport::default();
        let url = self.persons_url("bulk_delete/");
        let batches: Vec<Value> = match target {
            BulkTarget::Ids(ids) => ids
                .chunks(BULK_DELETE_BATCH)
                .map(|c| json!({ "ids": c.iter().map(|u| u.hyphenated().to_string()).collect::<Vec<_>>() }))
                .collect(),
            BulkTarget::DistinctIds(ids) => {
                ids.chunks(BULK_DELETE_BATCH).map(|c| json!({ "distinct_ids": c })).collect()
            }
        };
        for mut body in batches {
            let n = body
                .as_object()
                .and_then(|o| o.values().next())
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let obj = body.as_object_mut().expect("batch body is an object");
            for name in opts.set_flags() {
                obj.insert(name.into(), Value::Bool(true));
            }
            let op = format!("Bulk-deleting persons {}–{} of {total}", report.sent + 1, report.sent + n);
            match self.request(&op, RateClass::Delete, Method::POST, url.clone(), Some(body)).await {
                Ok((_, resp)) => match serde_json::from_slice::<BulkDeleteSummary>(&resp) {
                    Ok(s) => report.summary.absorb(s),
                    Err(e) => {
                        report.error = Some(invalid(&op, 202, format!("unexpected summary: {e}")));
                        report.sent += n;
                        break;
                    }
                },
                Err(e) => {
                    report.error = Some(e);
                    break;
                }
            }
            report.sent += n;
            report.batches += 1;
            on_batch(report.sent, total);
        }
        report
    }

    /// `POST /persons/reset_person_distinct_id/` (202, even when nothing matched).
    pub async fn reset_person_distinct_id(&self, distinct_id: &str) -> Result<u16, ApiError> {
        let url = self.persons_url("reset_person_distinct_id/");
        let body = json!({ "distinct_id": distinct_id });
        self.request("Resetting a distinct id", RateClass::Read, Method::POST, url, Some(body))
            .await
            .map(|(status, _)| status.as_u16())
    }
}

/// What a bulk delete did, batch by batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BulkDeleteReport {
    pub summary: BulkDeleteSummary,
    /// How many ids were sent in batches PostHog accepted.
    pub sent: usize,
    pub batches: usize,
    /// The failure that stopped the run, if any.
    pub error: Option<ApiError>,
}
