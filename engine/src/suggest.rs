//! "Did you mean ...?": the closest known name to a misspelt one.

/// The candidate closest to `name`, if one is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    let limit = (length / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = if candidate.to_lowercase() == lower {
            0
        } else {
            strsim::damerau_levenshtein(name, candidate)
        };
        if distance > limit {
            continue;
        }
        let better = match best {
            None => true,
            Some((d, c)) => distance < d || (distance == d && candidate < c),
        };
        if better {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_only() {
        let names = ["occupancy", "bms", "privacy", "データ基盤"];
        assert_eq!(closest("ocupancy", names), Some("occupancy"));
        assert_eq!(closest("BMS", names), Some("bms"));
        assert_eq!(closest("データ基板", names), Some("データ基盤"));
        assert_eq!(closest("zzz", names), None);
        assert_eq!(closest("bms", names), None);
    }
}
