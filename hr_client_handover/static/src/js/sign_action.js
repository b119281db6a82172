/**
 * Sign in one click: the handover's Sign button (and a signature line's) opens
 * Odoo's signature dialog, large, with the signer's name written in; Adopt &
 * Sign saves the signature on its record, where the server's policy decides,
 * then the handover shows it.
 */
import {registry} from "@web/core/registry";
import {SignatureDialog} from "@web/core/signature/signature_dialog";

async function signHandover(env, action) {
  const {signature_id: signatureId, name} = action.params;
  let saving = Promise.resolve(false);
  await new Promise((resolve) => {
    env.services.dialog.add(
      SignatureDialog,
      {
        defaultName: name,
        nameAndSignatureProps: {
          displaySignatureRatio: 3,
          signatureType: "signature",
          noInputName: true,
        },
        uploadSignature: ({signatureImage}) => {
          saving = env.services.orm
            .write("hr.client.handover.signature", [signatureId], {
              signature: signatureImage.split(",")[1] || false,
            })
            .then(() => true);
        },
      },
      {onClose: resolve}
    );
  });
  if (await saving) {
    return {type: "ir.actions.client", tag: "soft_reload"};
  }
}

registry.category("actions").add("hr_client_handover_sign", signHandover);
