//! The people the test desks list under `[[staff]]`, each written once. A test file appends
//! the ones its rules need: `desk.append_config(&roster(&[WANG, SUN]))`.

/// Customer service; her git identity is what `audit` maps commits to.
pub const LI: &str = r#"
[[staff]]
id = "li"
name = "李丽"
department = "customer-service"
roles = ["agent"]
email = "li@example.com"
"#;

/// The service engineer, and the user the tests act as (`USER`).
pub const WANG: &str = r#"
[[staff]]
id = "wang"
name = "王工"
department = "service"
roles = ["engineer"]
"#;

/// A second service engineer, for the routing rules.
pub const LIU: &str = r#"
[[staff]]
id = "liu"
name = "刘工"
department = "service"
roles = ["engineer"]
"#;

/// Finance, with two git identities (one per machine).
pub const ZHAO: &str = r#"
[[staff]]
id = "zhao"
name = "赵会计"
department = "finance"
roles = ["finance"]
email = ["zhao@example.com", "zhao.home@example.com"]
"#;

/// The general manager, who approves what the roles reserve to management.
pub const CHEN: &str = r#"
[[staff]]
id = "chen"
name = "陈总"
department = "management"
roles = ["gm", "manager"]
email = "chen@example.com"
"#;

/// The service supervisor, whom reports are escalated to.
pub const SUN: &str = r#"
[[staff]]
id = "sun"
name = "孙主管"
department = "service"
roles = ["supervisor"]
"#;

/// The `[[staff]]` entries of `people`, in order, ready to append to svcdesk.toml.
pub fn roster(people: &[&str]) -> String {
    people.concat()
}
