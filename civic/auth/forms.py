from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from civic.auth.roles import ROLES
from civic.forms import Form as FlaskForm


class LoginForm(FlaskForm):
    login = StringField("Логін", validators=[DataRequired("Вкажіть логін."), Length(max=80)])
    password = PasswordField("Пароль", validators=[DataRequired("Вкажіть пароль.")])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    login = StringField(
        "Логін",
        validators=[DataRequired("Вкажіть логін."), Length(max=80, message="Задовгий логін.")],
    )
    full_name = StringField("Повне ім'я", validators=[Optional(), Length(max=200)])
    password = PasswordField(
        "Пароль", validators=[Optional(), Length(min=8, message="Щонайменше 8 символів.")]
    )
    roles = MultiCheckboxField("Ролі", choices=[SelectChoice(k, v) for k, v in ROLES.items()])
    is_active = BooleanField("Активний", default=True)
