# sealcert info on the OFD samples: every file readable, fields of known ones, JSON schema.
. "$(dirname "$0")/lib/cli.bash"

W="$SEALCERT_SAMPLES/wild"
for f in "$SAMPLES"/*.ofd "$W"/*.ofd; do
    expect_exit 0 "$SC" info "$f" --json
    expect_schema info
    expect_exit 0 "$SC" info "$f"
done

expect_exit 0 "$SC" info "$SAMPLES/ofdrw_v4_riding_seal_5pages.ofd" --json
expect_json documents.0.pages.4.width_mm 210.0
expect_json signatures.0.page_count 5
expect_json signatures.0.seal_name "OFD R&W 测试用印章"
expect_exit 0 "$SC" info "$SAMPLES/unsigned_cert_customtags.ofd" --json
expect_json documents.0.custom_tags.0.name cert
expect_json documents.0.pages.0.templates.0 2
expect_exit 0 "$SC" info "$SAMPLES/unsigned_einvoice_suwell_customtags.ofd" --json
expect_json documents.0.pages.0.annotations.1.type Watermark
expect_json documents.0.pages.0.annotations.1.objects 1
expect_exit 0 "$SC" info "$SAMPLES/unsigned_einvoice_suwell_customtags.ofd"
expect_stdout_contains "annotation 6956: Watermark / Watermark, 1 object"
expect_stdout_contains "      templates: 1"
expect_exit 0 "$SC" info "$SAMPLES/einvoice_chongqing_test_gomain_v4.ofd" --json
expect_json documents.0.attachments.0.name original_invoice
expect_exit 0 "$SC" info "$W/suwell-virtual-printer_manual_16pages_unsigned.ofd"
expect_stdout_contains "pages:    16"
expect_exit 0 "$SC" info "$W/unknown-producer_pages_as_xml_files_unsigned.ofd"
expect_stdout_contains "http://ns.ofd.cn/ofd"
expect_stdout_contains "pages:    3"
expect_exit 0 "$SC" info "$W/conformance-6.2.003_relative_paths.ofd"
expect_stdout_contains "pages:    2"
expect_exit 0 "$SC" info "$W/eticket-railway12306_gbt35275_test_sample.ofd"
expect_stdout_contains "(Sign)"
expect_exit 2 "$SC" info "$SAMPLES/keys/UserV4.esl"
expect_stderr_contains "not a zip"
finish
