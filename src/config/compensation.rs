//! `[compensation]`: which grades need the legal department's review before the general
//! manager decides, and what each grade may be given (the manuals' tiers: I a remote fix
//! and a small coupon; II a free repair, an exchange or a partial refund; III a full
//! refund with extra compensation, or a new product). Optional: without it there is no
//! legal review and no rule per grade.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::keypath::KeyPath;
use crate::vocab::{CompKind, Grade};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Compensation {
    /// Grades whose compensation the legal role reviews (`comp legal-review`) before the
    /// general manager may approve it, e.g. ["III"].
    #[serde(default)]
    pub legal_review: Vec<String>,
    /// What each grade may be given: `[compensation.grades.I] kinds = [...]`, `max = "50"`.
    #[serde(default)]
    pub grades: BTreeMap<String, GradeRule>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GradeRule {
    /// The kinds allowed ([] or absent: any).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// The largest amount, e.g. "50" or "2000.00" (absent: no limit).
    #[serde(default)]
    pub max: Option<String>,
}

/// Money as hundredths, for comparing amounts written as text (`valid_amount` form).
pub fn cents(s: &str) -> Option<u64> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || frac.len() > 2
        || !(int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac = format!("{frac:0<2}");
    int.parse::<u64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(frac.parse::<u64>().ok()?)
}

impl Compensation {
    /// Whether the grade's compensation needs the legal review.
    pub fn needs_legal_review(&self, grade: Option<Grade>) -> bool {
        grade.is_some_and(|g| self.legal_review.iter().any(|x| x == g.as_str()))
    }

    /// The grade's rule a request breaks, in words naming its key; None when it keeps
    /// them (or the grade has none).
    pub fn broken_rule(
        &self,
        grade: Option<Grade>,
        kind: CompKind,
        amount: &str,
    ) -> Option<String> {
        let g = grade?;
        let rule = self.grades.get(g.as_str())?;
        if !rule.kinds.is_empty() && !rule.kinds.iter().any(|k| k == kind.as_str()) {
            return Some(format!(
                "grade {g} compensation is {} (compensation.grades.{g}.kinds), not {kind}",
                rule.kinds.join(", ")
            ));
        }
        if let Some(max) = &rule.max
            && cents(amount).zip(cents(max)).is_some_and(|(a, m)| a > m)
        {
            return Some(format!(
                "grade {g} compensation is at most {max} (compensation.grades.{g}.max), not {amount}"
            ));
        }
        None
    }

    pub(super) fn validate(&self) -> Result<(), (KeyPath, String)> {
        let bad = |key: KeyPath, problem: String| Err((key.clone(), format!("{key}: {problem}")));
        let grade = |g: &str| Grade::ALL.iter().any(|x| x.as_str() == g);
        for (i, g) in self.legal_review.iter().enumerate() {
            if !grade(g) {
                return bad(
                    KeyPath::new(["compensation", "legal_review"]).index(i),
                    format!("\"{g}\" is not a grade (I, II, III)"),
                );
            }
        }
        for (g, rule) in &self.grades {
            let key = |k: &str| KeyPath::new(["compensation", "grades", g.as_str(), k]);
            if !grade(g) {
                return bad(
                    KeyPath::new(["compensation", "grades", g.as_str()]),
                    format!("\"{g}\" is not a grade (I, II, III)"),
                );
            }
            for (i, k) in rule.kinds.iter().enumerate() {
                if CompKind::ALL.iter().all(|x| x.as_str() != k) {
                    return bad(
                        key("kinds").index(i),
                        format!("\"{k}\" is not a compensation kind ({})", CompKind::names()),
                    );
                }
            }
            if let Some(m) = &rule.max
                && cents(m).is_none_or(|c| c == 0)
            {
                return bad(
                    key("max"),
                    format!("\"{m}\" is not a positive amount like \"50\" or \"2000.00\""),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Compensation {
        let mut c = Compensation {
            legal_review: vec!["III".into()],
            ..Compensation::default()
        };
        c.grades.insert(
            "I".into(),
            GradeRule {
                kinds: vec!["coupon".into(), "repair".into()],
                max: Some("50".into()),
            },
        );
        c
    }

    #[test]
    fn a_request_outside_its_grade_names_the_rule() {
        let c = rules();
        assert_eq!(
            c.broken_rule(Some(Grade::I), CompKind::Coupon, "50.00"),
            None
        );
        let kind = c
            .broken_rule(Some(Grade::I), CompKind::Refund, "20")
            .unwrap();
        assert!(kind.contains("compensation.grades.I.kinds"), "{kind}");
        let max = c
            .broken_rule(Some(Grade::I), CompKind::Coupon, "50.01")
            .unwrap();
        assert!(
            max.contains("at most 50 (compensation.grades.I.max)"),
            "{max}"
        );
        // No rule for the grade, or no grade: nothing to break.
        assert_eq!(
            c.broken_rule(Some(Grade::II), CompKind::Refund, "9999"),
            None
        );
        assert_eq!(c.broken_rule(None, CompKind::Refund, "9999"), None);
        assert!(c.needs_legal_review(Some(Grade::III)));
        assert!(!c.needs_legal_review(Some(Grade::II)) && !c.needs_legal_review(None));
    }

    #[test]
    fn cents_reads_money_text() {
        assert_eq!(cents("50"), Some(5000));
        assert_eq!(cents("199.9"), Some(19990));
        assert_eq!(cents("0.05"), Some(5));
        assert_eq!(cents("1.234"), None);
        assert_eq!(cents("x"), None);
    }
}
