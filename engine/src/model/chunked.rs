//! [`Chunked`]: one list made of shared pieces, one per file. The model's
//! elements, relationships and references are kept this way so that a
//! model rebuilt after an edit shares every file's piece it did not
//! recompute with the model before it, instead of copying it.

use std::ops::Index;
use std::sync::{Arc, OnceLock};

/// A list read as one, stored as shared pieces.
#[derive(Clone)]
pub struct Chunked<T> {
    chunks: Vec<Arc<Vec<T>>>,
    /// Where each piece starts in the whole list (as many as `chunks`).
    starts: Vec<usize>,
    len: usize,
    /// The piece of each item, made at the first read by index (lists
    /// only walked in order never need it).
    piece_of: OnceLock<Box<[u32]>>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            starts: Vec::new(),
            len: 0,
            piece_of: OnceLock::new(),
        }
    }
}

impl<T> Chunked<T> {
    /// Appends a piece (an empty one is left out).
    pub fn push_chunk(&mut self, chunk: Arc<Vec<T>>) {
        if chunk.is_empty() {
            return;
        }
        self.starts.push(self.len);
        self.len += chunk.len();
        self.chunks.push(chunk);
        self.piece_of = OnceLock::new();
    }

    /// Appends one item, in a piece of its own unless the last piece is
    /// not shared.
    pub fn push(&mut self, item: T) {
        if let Some(last) = self.chunks.last_mut() {
            if let Some(last) = Arc::get_mut(last) {
                last.push(item);
                self.len += 1;
                self.piece_of = OnceLock::new();
                return;
            }
        }
        self.push_chunk(Arc::new(vec![item]));
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        if index >= self.len {
            return None;
        }
        let chunk = match self.chunks.len() {
            1 => 0,
            _ => {
                let piece_of = self.piece_of.get_or_init(|| {
                    let mut table = Vec::with_capacity(self.len);
                    for (piece, chunk) in self.chunks.iter().enumerate() {
                        table.extend(std::iter::repeat_n(piece as u32, chunk.len()));
                    }
                    table.into_boxed_slice()
                });
                piece_of[index] as usize
            }
        };
        self.chunks[chunk].get(index - self.starts[chunk])
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// The pieces, in order.
    pub fn chunks(&self) -> impl Iterator<Item = &Arc<Vec<T>>> {
        self.chunks.iter()
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        match self.get(index) {
            Some(item) => item,
            None => panic!("index {index} out of a list of {}", self.len),
        }
    }
}

impl<'c, T> IntoIterator for &'c Chunked<T> {
    type Item = &'c T;
    type IntoIter = std::iter::FlatMap<
        std::slice::Iter<'c, Arc<Vec<T>>>,
        std::slice::Iter<'c, T>,
        fn(&'c Arc<Vec<T>>) -> std::slice::Iter<'c, T>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flat_map(|c| c.iter())
    }
}

impl<T> From<Vec<T>> for Chunked<T> {
    fn from(items: Vec<T>) -> Self {
        let mut out = Chunked::default();
        out.push_chunk(Arc::new(items));
        out
    }
}

impl<T> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Chunked::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T: PartialEq> PartialEq for Chunked<T> {
    /// Equal when the items are, however they are cut into pieces.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for Chunked<T> {}

impl<T: std::fmt::Debug> std::fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_one_list_whatever_the_pieces() {
        let mut list = Chunked::default();
        list.push_chunk(Arc::new(vec![0, 1, 2]));
        list.push_chunk(Arc::new(Vec::new()));
        list.push_chunk(Arc::new(vec![3]));
        list.push_chunk(Arc::new(vec![4, 5]));
        assert_eq!(list.len(), 6);
        for i in 0..6 {
            assert_eq!(list[i], i);
            assert_eq!(list.get(i), Some(&i));
        }
        assert_eq!(list.get(6), None);
        assert_eq!(list.iter().copied().collect::<Vec<_>>(), [0, 1, 2, 3, 4, 5]);
        assert_eq!(list.iter().next_back(), Some(&5));
        assert_eq!(list, Chunked::from(vec![0, 1, 2, 3, 4, 5]));
        assert_ne!(list, Chunked::from(vec![0, 1, 2, 3, 4]));
    }

    #[test]
    fn push_adds_to_an_unshared_last_piece() {
        let shared = Arc::new(vec![1]);
        let mut list = Chunked::default();
        list.push_chunk(Arc::clone(&shared));
        list.push(2);
        list.push(3);
        assert_eq!(list.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(*shared, [1]);
        assert_eq!(list.chunks().count(), 2);
    }
}
