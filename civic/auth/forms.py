from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from civic.auth.roles import ROLES
from civic.forms import Form


class LoginForm(Form):
    login = StringField("Логін", validators=[DataRequired("Вкажіть логін."), Length(max=80)])
    password = PasswordField("Пароль", validators=[DataRequired("Вкажіть пароль.")])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(Form):
    login = StringField(
        "Логін",
        validators=[DataRequired("Вкажіть логін."), Length(max=80, message="Задовгий логін.")],
    )
    full_name = StringField("Повне ім'я", validators=[Optional(), Length(max=200)])
    gender = SelectField(
        "Рід у журналі аудиту",
        choices=[
            SelectChoice("", "не вказано («запропоновано відмову»)"),
            SelectChoice("f", "жіночий («запропонувала відмову»)"),
            SelectChoice("m", "чоловічий («запропонував відмову»)"),
        ],
        default="",
    )
    # The rules (length by role, common passwords, the login) live in services.
    password = PasswordField("Пароль", validators=[Optional()])
    roles = MultiCheckboxField("Ролі", choices=[SelectChoice(k, v) for k, v in ROLES.items()])
    is_active = BooleanField("Активний", default=True)

    def account(self) -> dict:
        """The account's settings as ``services.update_user`` takes them."""
        return {
            "roles": self.roles.data,
            "full_name": self.full_name.data or "",
            "gender": self.gender.data or "",
            "is_active": self.is_active.data,
            "password": self.password.data or None,
        }
