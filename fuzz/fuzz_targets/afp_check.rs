// What the AFP fuzz target checks for one input; `include!`d by the fuzz
// target and by tandem-afp's corpus-replay test, so both run the same code.
//
// Any bytes offered as an AFP file must read, index, inventory and validate
// or give an error, never panic. When every field reads, the fields' raw
// bytes put back together are the input (the writer's round trip). When the
// file can be cut into page groups, writing every group with its pages
// reversed either is refused or gives a file that indexes with the same
// number of pages.

fn check_afp(data: &[u8]) {
    use tandem_afp::{
        AfpIndex, DocumentWriter, GroupPage, GroupedDocument, IndexOptions, StructuredFields,
        validate,
    };
    let index = validate(data, IndexOptions::default());
    let fields: Result<Vec<_>, _> = StructuredFields::new(data).collect();
    if let Ok(fields) = fields {
        let joined: Vec<u8> = fields.iter().flat_map(|f| f.raw.iter().copied()).collect();
        assert_eq!(joined, data);
    }
    let Ok(index) = index else { return };
    let Ok(document) = GroupedDocument::new(data, &index) else {
        return;
    };
    let Ok(mut out) = DocumentWriter::new(document.clone(), Vec::new()) else {
        return;
    };
    for n in 0..document.groups().len() {
        let Ok(group) = document.group(n) else { return };
        let pages: Vec<GroupPage<'_>> = group
            .pages
            .clone()
            .rev()
            .map(|page| GroupPage::Input { page, added: &[] })
            .collect();
        if out.write_group(n, &pages).is_err() && out.copy_group(n).is_err() {
            return;
        }
    }
    let Ok(bytes) = out.finish() else { return };
    let again = AfpIndex::build(&bytes).expect("a written document indexes");
    assert_eq!(again.pages.len(), index.pages.len());
}
