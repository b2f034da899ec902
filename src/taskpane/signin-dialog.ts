/** Entry of signin-dialog.html: the Office dialog that signs in where nested app authentication is missing. */
import { runSignInDialog } from "../office/signInDialog";

void Office.onReady().then(() =>
  runSignInDialog({
    messageParent: (message) => Office.context.ui.messageParent(message),
    location: window.location,
  }),
);
