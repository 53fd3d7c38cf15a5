//! The organizations and projects one sandbox serves (`--projects N`): project 1 is the demo
//! project every test and the demo rely on (same seed, same persons as a one-project
//! sandbox); projects 2..N get a derived seed and a smaller population. Project 3 belongs to
//! a second organization, so a project picker shows two. Each project has its own store.

/// Most projects one sandbox serves.
pub const MAX_PROJECTS: usize = 50;

/// An organization the sandbox's user belongs to (`OrganizationSerializer` fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Organization {
    pub id: &'static str,
    pub name: &'static str,
    pub slug: &'static str,
    pub created_at: &'static str,
    /// `OrganizationMembership.Level`: 1 member, 8 admin, 15 owner.
    pub membership_level: u8,
}

/// Owns every project but project 3; the user's current organization.
pub const DEMO_ORG: Organization = Organization {
    id: "0192f7a0-6d1e-7c3b-9a41-4f3f5e9b2c00",
    name: "Hogdex Demo Org",
    slug: "hogdex-demo-org",
    created_at: "2024-11-27T00:00:00Z",
    membership_level: 15,
};

/// Owns project 3 (when there is one); the user is a plain member.
pub const PARTNER_ORG: Organization = Organization {
    id: "0192f7a0-6d1e-7c3b-9a41-4f3f5e9b2c01",
    name: "Hogdex Partner Org",
    slug: "hogdex-partner-org",
    created_at: "2025-03-14T00:00:00Z",
    membership_level: 1,
};

/// One served project.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectMeta {
    pub id: i64,
    pub uuid: String,
    pub name: String,
    pub api_token: String,
    pub organization: Organization,
}

/// The metadata of project `id` (1-based).
pub fn project_meta(id: i64) -> ProjectMeta {
    let name = match id {
        1 => "Hogdex Demo".to_owned(),
        2 => "Hogdex Staging".to_owned(),
        n => format!("Hogdex Sandbox {n}"),
    };
    let api_token = if id == 1 {
        "phc_hogdex_sandbox_project_token".to_owned()
    } else {
        format!("phc_hogdex_sandbox_project_token_{id}")
    };
    ProjectMeta {
        id,
        // Project 1 keeps the UUID it always had (…2c10); the next ones count up from it.
        uuid: format!("0192f7a0-6d1e-7c3b-9a41-4f3f5e9b{:04x}", 0x2c0f + id),
        name,
        api_token,
        organization: if id == 3 { PARTNER_ORG } else { DEMO_ORG },
    }
}

/// Projects 1..=`count`.
pub fn projects(count: usize) -> Vec<ProjectMeta> {
    (1..=count as i64).map(project_meta).collect()
}

/// The organizations owning at least one of `projects`, current (demo) first.
pub fn organizations(projects: &[ProjectMeta]) -> Vec<Organization> {
    let mut out: Vec<Organization> = Vec::new();
    for p in projects {
        if !out.contains(&p.organization) {
            out.push(p.organization);
        }
    }
    out
}

/// The demo-data seed of project `id`: `seed` itself for project 1, a mix of both otherwise.
pub fn project_seed(seed: u64, id: i64) -> u64 {
    if id == 1 {
        return seed;
    }
    // splitmix64 of (seed, id).
    let mut z = seed.wrapping_add((id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Generated persons in projects 2..N: a tenth of project 1's, at least 20, at most 500.
pub fn extra_project_persons(persons: usize) -> usize {
    (persons / 10).clamp(20, 500)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_one_keeps_its_identity() {
        let one = project_meta(1);
        assert_eq!(one.uuid, "0192f7a0-6d1e-7c3b-9a41-4f3f5e9b2c10");
        assert_eq!(one.name, "Hogdex Demo");
        assert_eq!(one.api_token, "phc_hogdex_sandbox_project_token");
        assert_eq!(one.organization, DEMO_ORG);
        assert_eq!(project_seed(42, 1), 42);
        assert_ne!(project_seed(42, 2), 42);
        assert_ne!(project_seed(42, 2), project_seed(42, 3));
    }

    #[test]
    fn names_uuids_and_organizations() {
        let all = projects(4);
        assert_eq!(
            all.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["Hogdex Demo", "Hogdex Staging", "Hogdex Sandbox 3", "Hogdex Sandbox 4"]
        );
        assert_eq!(all[1].uuid, "0192f7a0-6d1e-7c3b-9a41-4f3f5e9b2c11");
        assert_eq!(organizations(&all), [DEMO_ORG, PARTNER_ORG]);
        assert_eq!(organizations(&all[..2]), [DEMO_ORG]);
        assert_eq!(extra_project_persons(5000), 500);
        assert_eq!(extra_project_persons(0), 20);
        assert_eq!(extra_project_persons(600), 60);
    }
}
