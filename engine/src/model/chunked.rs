//! [`Chunked`]: one list made of shared pieces, one per file. The model's
//! elements, relationships and references are kept this way so that a
//! model rebuilt after an edit shares every file's piece it did not
//! recompute with the model before it, instead of copying it.

use std::ops::Index;
use std::sync::Arc;

/// Items per block of [`Chunked::block_piece`], as a power of two.
const BLOCK_SHIFT: u32 = 6;

/// A list read as one, stored as shared pieces.
#[derive(Clone)]
pub struct Chunked<T> {
    chunks: Vec<Arc<Vec<T>>>,
    /// Where each piece starts in the whole list (as many as `chunks`).
    starts: Vec<usize>,
    len: usize,
    /// For each block of 2^[`BLOCK_SHIFT`] items, the piece that holds its
    /// first item: an item's piece is that of its block or one of the few
    /// after it. Kept up to date as pieces are added, since it is small
    /// (one entry per 64 items): a table of every item's piece, made at
    /// the first read by index, cost a new model's first request a pass
    /// over the whole list.
    block_piece: Vec<u32>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            starts: Vec::new(),
            len: 0,
            block_piece: Vec::new(),
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
        self.cover_blocks();
    }

    /// Records the last piece as the piece of every block whose first
    /// item is past those recorded so far (the items just added).
    fn cover_blocks(&mut self) {
        let last = self.chunks.len().saturating_sub(1) as u32;
        while self.block_piece.len() << BLOCK_SHIFT < self.len {
            self.block_piece.push(last);
        }
    }

    /// Appends one item, in a piece of its own unless the last piece is
    /// not shared.
    pub fn push(&mut self, item: T) {
        if let Some(last) = self.chunks.last_mut() {
            if let Some(last) = Arc::get_mut(last) {
                last.push(item);
                self.len += 1;
                self.cover_blocks();
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
        let block = index >> BLOCK_SHIFT;
        let first = self.block_piece[block] as usize;
        // The item's piece is at most the piece of the next block's first
        // item: one bisection among the pieces between (usually none).
        let last = self
            .block_piece
            .get(block + 1)
            .map_or(self.chunks.len() - 1, |&p| p as usize);
        let chunk = first + self.starts[first + 1..=last].partition_point(|&start| start <= index);
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

    /// Every item read by index, whatever the pieces' sizes: pieces of one
    /// item (many in one block), empty ones, pieces much longer than a
    /// block, and items pushed one by one onto a piece and after it.
    #[test]
    fn reads_by_index_across_blocks_of_any_number_of_pieces() {
        let sizes = [1, 1, 0, 3, 64, 63, 1, 200, 5, 0, 1, 130, 64, 2];
        let mut list = Chunked::default();
        let mut flat = Vec::new();
        for (piece, &size) in sizes.iter().cycle().take(60).enumerate() {
            let items: Vec<usize> = (flat.len()..flat.len() + size).collect();
            flat.extend(items.iter().copied());
            list.push_chunk(Arc::new(items));
            if piece % 7 == 0 {
                list.push(flat.len());
                flat.push(flat.len());
            }
            assert_eq!(list.len(), flat.len());
            for (i, item) in flat.iter().enumerate() {
                assert_eq!(list.get(i), Some(item), "item {i} after piece {piece}");
            }
            assert_eq!(list.get(flat.len()), None);
        }
        for i in 0..200 {
            list.push(flat.len());
            flat.push(flat.len());
            assert_eq!(list[flat.len() - 1], flat.len() - 1, "pushed item {i}");
        }
        assert!(list.iter().eq(flat.iter()));
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
