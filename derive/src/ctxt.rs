//! Errors are collected, not returned at the first one (serde's `Ctxt`).

use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

#[derive(Default)]
pub(crate) struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    /// Records an error under the tokens it is about.
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&self, tokens: T, message: M) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    pub(crate) fn syn_error(&self, err: syn::Error) {
        self.errors.borrow_mut().push(err);
    }

    /// All errors as one `compile_error!` stream, or `None`.
    pub(crate) fn into_compile_errors(self) -> Option<proc_macro2::TokenStream> {
        let errors = self.errors.into_inner();
        let mut iter = errors.into_iter();
        let mut first = iter.next()?;
        for err in iter {
            first.combine(err);
        }
        Some(first.to_compile_error())
    }
}
