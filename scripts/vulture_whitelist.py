"""Names vulture cannot see used: called by spaCy, http.server, fontTools or Python itself.

Run as ``vulture kg extractors tests scripts/vulture_whitelist.py --min-confidence 60`` (``make lint``).
"""
# ruff: noqa: B018, F821
# spaCy calls registered factories by name, and serializes tokenizers and components
make_district_recognizer
make_document_extractor
make_event_extractor
make_measure_extractor
make_money_extractor
make_organization_recognizer
make_person_recognizer
make_post_change_extractor
make_project_extractor
make_relation_extractor
make_resolver
make_sentence_setter
make_ner
_.initialize  # spaCy's nlp.initialize() calls it
_.ents  # spaCy's Doc.ents
_.ner_conf  # a Span extension, read by persons
# onnxruntime SessionOptions fields
_.intra_op_num_threads
_.inter_op_num_threads
_.execution_mode
_.to_bytes
_.to_disk
_.from_disk
_.max_length
# http.server's request handler protocol
_.server_version
_.protocol_version
_.log_message
_.do_HEAD
_.do_POST
_.do_DELETE
_.do_PATCH
_.do_PUT
_.daemon_threads
# fontTools subsetting options; exception chaining attributes cleared on purpose
_.name_IDs
_.notdef_outline
_.__cause__
_.__context__
_.__traceback__
# the context-manager protocol's fixed signature
exc_type
tb
# used by doctests only
_IdentityText
# tests: imports that register spaCy factories, attributes set on spaCy and rdflib objects
extractors
_.tokenizer
_.default_union
# pkg: change kinds, reached as PKG[kind] from the fact's kind
_.Elected
_.Resigned
_.Nominated
# html.parser and expat call these handlers by name
_.handle_starttag
_.handle_endtag
_.handle_data
_.StartDoctypeDeclHandler
_.EntityDeclHandler
_.StartElementHandler
_.EndElementHandler
_.CharacterDataHandler
