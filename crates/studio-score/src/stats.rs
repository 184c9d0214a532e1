//! The little statistics learning needs, written out: a median, Spearman's rank correlation and
//! a ridge solve. Small enough that a dependency would cost more than it saves.

/// Median of finite values; `None` for an empty slice.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) { (v[mid - 1] + v[mid]) / 2.0 } else { v[mid] })
}

/// Ranks from 1, ties sharing their average rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && values[idx[j + 1]] == values[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in &idx[i..=j] {
            out[*k] = avg;
        }
        i = j + 1;
    }
    out
}

fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa <= 0.0 || sbb <= 0.0 {
        return None;
    }
    Some(sab / (saa * sbb).sqrt())
}

/// Spearman's rank correlation; `None` with fewer than 3 pairs or when either side is constant.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() != b.len() || a.len() < 3 || a.iter().chain(b).any(|x| !x.is_finite()) {
        return None;
    }
    pearson(&ranks(a), &ranks(b))
}

/// Solves `(XᵀX + λI) β = Xᵀy + λ β₀` for centred data: ridge regression shrunk toward `prior`
/// rather than toward zero. `rows` are observations, each with one value per column. Returns
/// `None` when the system cannot be solved (no rows, λ ≤ 0 with a singular matrix).
pub fn ridge_toward(rows: &[Vec<f64>], y: &[f64], lambda: f64, prior: &[f64]) -> Option<Vec<f64>> {
    let k = prior.len();
    if rows.is_empty() || rows.len() != y.len() || rows.iter().any(|r| r.len() != k) {
        return None;
    }
    let mut a = vec![vec![0.0; k]; k];
    let mut b = vec![0.0; k];
    for (r, yi) in rows.iter().zip(y) {
        for (i, ri) in r.iter().enumerate() {
            b[i] += ri * yi;
            for (aij, rj) in a[i].iter_mut().zip(r) {
                *aij += ri * rj;
            }
        }
    }
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += lambda;
        b[i] += lambda * prior[i];
    }
    cholesky_solve(a, b)
}

fn dot(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

/// Solves `A x = b` for symmetric positive definite `A`; L overwrites A's lower triangle.
fn cholesky_solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for j in 0..n {
        let d = a[j][j] - dot(&a[j][..j], &a[j][..j]);
        if d.is_nan() || d <= 1e-12 {
            return None;
        }
        let d = d.sqrt();
        a[j][j] = d;
        for i in j + 1..n {
            let s = a[i][j] - dot(&a[i][..j], &a[j][..j]);
            a[i][j] = s / d;
        }
    }
    // L z = b, then Lᵀ x = z.
    for i in 0..n {
        let s = b[i] - dot(&a[i][..i], &b[..i]);
        b[i] = s / a[i][i];
    }
    for i in (0..n).rev() {
        let s = b[i] - (i + 1..n).map(|k| a[k][i] * b[k]).sum::<f64>();
        b[i] = s / a[i][i];
    }
    b.iter().all(|x| x.is_finite()).then_some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spearman() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((spearman(&a, &[10.0, 20.0, 30.0, 40.0, 1000.0]).unwrap_or(0.0) - 1.0).abs() < 1e-12);
        assert!((spearman(&a, &[5.0, 4.0, 3.0, 2.0, 1.0]).unwrap_or(0.0) + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&a, &[1.0; 5]), None);
        // Ties get average ranks.
        let r = spearman(&[1.0, 1.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]).unwrap_or(0.0);
        assert!(r > 0.9 && r < 1.0, "{r}");
    }

    #[test]
    fn ridge_recovers_exact_coefficients_and_shrinks() {
        let rows: Vec<Vec<f64>> =
            (0..50).map(|i| vec![((i * 7) % 11) as f64 - 5.0, ((i * 3) % 13) as f64 - 6.0]).collect();
        let y: Vec<f64> = rows.iter().map(|r| 2.0 * r[0] - 0.5 * r[1]).collect();
        let beta = ridge_toward(&rows, &y, 1e-9, &[0.0, 0.0]).unwrap_or_default();
        assert!((beta[0] - 2.0).abs() < 1e-6 && (beta[1] + 0.5).abs() < 1e-6, "{beta:?}");
        let pulled = ridge_toward(&rows, &y, 1e9, &[1.0, 1.0]).unwrap_or_default();
        assert!((pulled[0] - 1.0).abs() < 1e-3 && (pulled[1] - 1.0).abs() < 1e-3, "{pulled:?}");
        assert_eq!(ridge_toward(&[], &[], 1.0, &[0.0]), None);
    }
}
